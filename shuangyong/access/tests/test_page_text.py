"""Every page of the role × URL matrix, rendered for every role that may open it, reads
right in Chinese: no number in exponent notation (“目标 1E+2%”), and no English word
outside a short list of terms the Chinese UI uses as they are (PDF, Excel, API …).

The pages and the world they show are the matrix's own (test_role_url_matrix), so a new
page is checked here as soon as it is in the matrix.
"""

import html
import re

import pytest
from django.urls import reverse

from shuangyong.access.tests import test_role_url_matrix as matrix

shared_world, world = matrix.shared_world, matrix.world  # the matrix's fixtures, as they are
no_pdf_font = matrix.no_pdf_font

EXPONENT = re.compile(r"\d[eE][+-]\d+")
# A run of Latin letters, digits and the signs of names, paths and codes; only a run of
# letters alone, with two lowercase ones at least, is a word of the UI (a file name such
# as minutes.pdf, a package such as fonts-noto-cjk, a code such as MC-JYJ are data).
TOKEN = re.compile(r"[A-Za-z0-9_./:@#%+=\\-]+")
WORD = re.compile(r"^[A-Za-z]*[a-z]{2,}[A-Za-z]*$")
# Terms the Chinese UI writes in Latin letters, and the test world's own data.
ALLOWED = {
    # formats, products and protocols
    "pdf", "excel", "xlsx", "xls", "csv", "ods", "yaml", "yml", "json", "zip", "api", "url",
    "http", "https", "sms", "wecom", "dingtalk", "webhook", "webhooks", "token", "tokens",
    "totp", "otp", "qr", "ical", "ics", "html", "utf", "gb", "pinyin", "bearer", "id",
    "authorization", "openapi", "debian", "chinesecalendar",
    # the landmark name of the breadcrumb trail (aria-label), in every page's markup
    "breadcrumb",
    # the test world's accounts and data
    "office", "supervisor", "liaison", "military", "care", "leader", "auditor", "admin",
    "street", "district", "anonymous", "zhangsan", "zs", "example", "test",
}  # fmt: skip
# Pages that show stored records or codes as they are: the audit trail's details (field
# names, values), the delivery log (event codes, the providers' own error messages), the
# webhook page (the event names an API client subscribes to). Data, not the UI's words.
AS_STORED = {"audit:event_list", "messaging:delivery_log", "api_tokens:webhook_list"}
SKIP = re.compile(r"<(script|style|code|pre|textarea|noscript)\b.*?</\1>", re.S | re.I)
ATTRS = re.compile(r'\s(?:placeholder|title|aria-label|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    """The page's text as a reader sees it, with the placeholders, titles and labels."""
    page = SKIP.sub(" ", re.sub(r"<!--.*?-->", " ", page, flags=re.S))
    labels = " ".join(ATTRS.findall(page))
    return html.unescape(TAG.sub(" ", page) + " " + labels)


def faults(text: str) -> list[str]:
    found = [f"exponent: {m}" for m in EXPONENT.findall(text)]
    words = {t for t in TOKEN.findall(text) if WORD.match(t)}
    return found + sorted(w for w in words if w.lower() not in ALLOWED)


PAGES = sorted(
    {
        name: (kwargs, expected)
        for name, method, kwargs, expected, _data in matrix.CASES
        if method == "get" and name not in AS_STORED
    }.items()
)


@pytest.mark.parametrize("url_name,spec", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_reads_right_in_chinese(client, world, url_name, spec):
    kwargs, expected = spec
    url = reverse(url_name, kwargs=kwargs(world))
    problems = {}
    for who in matrix.ROLES:
        if expected[who] != 200:
            continue
        client.force_login(getattr(world.people, who))
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if found := faults(visible_text(response.content.decode())):
            problems[who] = found
    assert not problems, f"{url}: {problems}"


def test_the_check_finds_what_it_should():
    assert faults(visible_text("<p>目标 1E+2%</p>")) == ["exponent: 1E+2"]
    assert faults(visible_text('<p title="Download the zip">下载</p>')) == ["Download", "the"]
    assert faults(visible_text("<p>导出 Excel（PDF）· MC-JYJ</p><script>var a;</script>")) == []
    assert faults(visible_text("<p>纪要 minutes.pdf · 字体 fonts-noto-cjk</p>")) == []
