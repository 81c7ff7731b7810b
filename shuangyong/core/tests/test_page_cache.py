"""Whole pages kept per session until the next committed write (core.pagecache, core.writes).

People: the office (home page), the street's care officer (the registry and a person's
page), unit A's liaison and unit B's liaison (the outsider, asking the same addresses).
These tests commit (``transaction=True``): what they check is what happens at COMMIT.
"""

import re
from unittest import mock

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from shuangyong.core.cache import VERSION_PREFIX
from shuangyong.core.pagecache import HIT_HEADER
from shuangyong.core.writes import ANY_TABLE, DATA_VERSION, writes, written_table

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


def from_cache(response) -> bool:
    return response.get(HIT_HEADER) == "hit"


def sent_to_login(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def without_tokens(response) -> bytes:
    return re.sub(rb"[A-Za-z0-9]{64}", b"TOKEN", response.content)


# The backend a login through the form records (axes's, first in the list, authenticates
# nobody); force_login would otherwise pick axes's and bypass the kept user.
BACKEND = "shuangyong.accounts.backends.ModelBackendKeepingUsers"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_the_second_visit_is_served_from_the_cache_without_the_pages_queries(people):
    office = logged_in(people.office)
    first = office.get("/")
    assert first.status_code == 200 and not from_cache(first)
    with CaptureQueriesContext(connection) as queries:
        second = office.get("/")
    # The same page but for its form token, masked afresh for each answer.
    assert from_cache(second) and without_tokens(second) == without_tokens(first)
    # The session's row only (tests keep sessions in the database): the page comes from
    # the cache, and the user is not loaded at all.
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_with_sessions_read_through_the_cache_a_kept_page_is_one_cache_read(people, settings):
    """Production's sessions (Redis): the session, the data version and the page are read
    in one round trip, and the database is not asked anything."""
    settings.SESSION_ENGINE = "shuangyong.core.sessions"
    office = logged_in(people.office)
    first = office.get("/")
    store = caches["default"]
    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(store, "get", wraps=store.get) as gets,
        mock.patch.object(store, "get_many", wraps=store.get_many) as get_manys,
    ):
        kept = office.get("/")
    assert from_cache(kept) and without_tokens(kept) == without_tokens(first)
    assert len(queries) == 0, [q["sql"] for q in queries]
    # One read of four keys (the session, the data version, the page and the data version
    # it was last checked at): nothing was written since the page was made (the
    # local-memory cache reads them one by one inside it).
    (keys,), _ = get_manys.call_args
    assert get_manys.call_count == 1 and len(keys) == 4 and gets.call_count == len(keys)
    assert any(key.startswith("django.contrib.sessions") for key in keys)


def test_a_kept_page_carries_the_headers_of_the_page_it_keeps(people):
    office = logged_in(people.office)
    first = office.get("/")
    kept = office.get("/")
    assert from_cache(kept)
    shown_alike = ["Content-Type", "Content-Language", "Vary", "X-Frame-Options"]
    shown_alike += ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"]
    for name in shown_alike:
        assert kept.get(name) == first.get(name), name
    assert kept["X-Frame-Options"] == "DENY"


def test_an_idle_session_is_ended_though_its_page_was_kept(people, settings):
    office = logged_in(people.office)
    office.get("/")
    assert from_cache(office.get("/"))
    session = office.session
    session["_last_activity"] -= settings.SESSION_IDLE_SECONDS + 1
    session.save()  # the stamp is not part of what a kept page is checked against
    assert sent_to_login(office.get("/"))


def test_a_session_that_holds_something_new_is_not_served_what_it_was_shown(people):
    office = logged_in(people.office)
    office.get("/")
    assert from_cache(office.get("/"))
    session = office.session
    session["otp_device_id"] = "otp_totp.totpdevice/999"  # a second factor it never had
    session.save()
    assert not from_cache(office.get("/"))


def test_a_committed_write_to_what_a_page_read_ends_it(people, district):
    office = logged_in(people.office)
    office.get("/")
    assert from_cache(office.get("/"))
    district.b.name = "乙局（改名）"
    district.b.save()  # autocommit: committed at once
    assert not from_cache(office.get("/"))
    assert from_cache(office.get("/"))

    with transaction.atomic():
        district.b.short_name = "乙二"
        district.b.save()
        # Not yet committed: other requests may still be served what was true before.
    assert not from_cache(office.get("/"))


def test_a_write_ends_only_the_pages_that_read_its_table(people, district):
    from shuangyong.care.tests.conftest import person

    office, care = logged_in(people.office), logged_in(people.care)
    for client, url in ((office, "/"), (care, reverse("care:home"))):
        client.get(url)
        assert from_cache(client.get(url))
    person(district, name="新登记")  # the registry: not on the office's home page
    assert from_cache(office.get("/"))
    assert not from_cache(care.get(reverse("care:home")))
    # A colleague logs in: the last login is shown nowhere, so the pages stay kept; a
    # change to an account (every page reads the accounts) ends them.
    people.liaison_b.last_login = timezone.now()
    people.liaison_b.save(update_fields=["last_login"])
    assert from_cache(office.get("/"))
    people.liaison_b.email = "b@example.cn"
    people.liaison_b.save(update_fields=["email"])
    assert not from_cache(office.get("/"))


def test_a_write_that_does_not_name_its_table_plainly_ends_every_page(people, district):
    office = logged_in(people.office)
    office.get("/")
    assert from_cache(office.get("/"))
    with connection.cursor() as cursor:  # (a WITH that writes, on PostgreSQL, is another)
        cursor.execute("CREATE TEMPORARY TABLE sy_scratch (x integer)")
    assert not from_cache(office.get("/"))


def test_a_rolled_back_write_keeps_the_pages(people, district):
    office = logged_in(people.office)
    office.get("/")
    try:
        with transaction.atomic():
            district.b.name = "不会保存"
            district.b.save()
            raise RuntimeError
    except RuntimeError:
        pass
    assert from_cache(office.get("/"))


def test_the_outsider_never_gets_anothers_kept_page(people):
    liaison_a, liaison_b = logged_in(people.liaison_a), logged_in(people.liaison_b)
    liaison_a.get("/")
    mine = liaison_a.get("/")
    assert from_cache(mine)
    theirs = liaison_b.get("/")
    assert not from_cache(theirs)
    assert "张三" in mine.content.decode() and "张三" not in theirs.content.decode()
    # The same person in a second session starts afresh too (keys are per session).
    assert not from_cache(logged_in(people.liaison_a).get("/"))


def test_a_logged_out_session_gets_the_login_page_not_the_kept_one(people):
    office = logged_in(people.office)
    office.get("/")
    cookie = office.cookies["sessionid"].value
    office.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert sent_to_login(replay.get("/"))


def test_a_password_changed_elsewhere_ends_the_session_though_its_user_was_kept(people):
    office = logged_in(people.office)
    office.get("/")
    assert from_cache(office.get("/"))
    people.office.set_password("Another#Pass2026")
    people.office.save()
    assert sent_to_login(office.get("/"))


def test_a_role_change_takes_effect_on_the_next_request(people):
    liaison = logged_in(people.liaison_a)
    assert liaison.get(reverse("care:home")).status_code == 403
    liaison.get("/")
    people.liaison_a.role = "care_officer"
    people.liaison_a.scope_unit = people.care.person.unit
    people.liaison_a.save()
    assert liaison.get(reverse("care:home")).status_code == 200


def test_flash_messages_are_shown_once_never_kept(people, rf):
    office = logged_in(people.office)
    office.get("/")
    assert from_cache(office.get("/"))
    # A message left by the last POST (in the cookie, where Django keeps short ones).
    storage = CookieStorage(rf.get("/"))
    office.cookies["messages"] = storage._encode([Message(messages.SUCCESS, "已保存。")])
    shown = office.get("/")
    assert not from_cache(shown) and "已保存。" in shown.content.decode()
    again = office.get("/")
    assert "已保存。" not in again.content.decode()


def test_a_kept_pages_form_token_is_accepted(people):
    office = Client(enforce_csrf_checks=True)
    office.force_login(people.office, backend=BACKEND)
    office.get("/")
    kept = office.get("/")
    assert from_cache(kept)
    token = kept.content.decode().split('"X-CSRFToken": "')[1].split('"')[0]
    response = office.post(reverse("accounts:logout"), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302  # not 403: the token fits the cookie


def test_which_statements_count_as_writes():
    assert writes('INSERT INTO "org_unit" ("name") VALUES (%s)')
    assert writes('  update "care_task" SET "x" = 1')
    assert writes('DELETE FROM "care_batchline" WHERE "batch_id" = %s')
    assert writes("TRUNCATE care_batchline")
    assert writes('WITH moved AS (UPDATE "t" SET "a" = 1 RETURNING id) SELECT count(*) FROM moved')
    assert not writes('SELECT "org_unit"."id" FROM "org_unit"')
    assert not writes("WITH x AS (SELECT 1) SELECT * FROM x")
    assert not writes('EXPLAIN (FORMAT json) SELECT "care_entitledperson"."id"')
    # The idle timeout re-saves a session once a minute: no page shows it.
    assert not writes('UPDATE "django_session" SET "expire_date" = %s')
    assert not writes('INSERT INTO "django_session" ("session_key") VALUES (%s)')
    # The table each writes, or any when it does not say plainly.
    assert written_table('INSERT INTO "org_unit" ("name") VALUES (%s)') == "org_unit"
    assert written_table('UPDATE "org_user" SET "last_login" = %s') == "org_user"
    assert written_table("TRUNCATE care_batchline") == "care_batchline"
    assert written_table('WITH m AS (UPDATE "t" SET "a" = 1) SELECT 1') == ANY_TABLE
    assert written_table('ALTER TABLE "org_unit" ADD "x" int') == ANY_TABLE
    # Columns no page shows: a table of their own, which no page reads.
    last_login = 'UPDATE "org_user" SET "last_login" = %s WHERE "org_user"."id" = %s'
    assert written_table(last_login) == "org_user:unshown"
    both = 'UPDATE "org_user" SET "last_login" = %s, "email" = %s WHERE "org_user"."id" = %s'
    assert written_table(both) == "org_user"


def test_login_through_the_form_then_pages_from_the_cache(people):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 302
    client.get("/")
    assert from_cache(client.get("/"))


def test_the_login_page_is_one_answer_for_everyone_with_each_ones_own_form_token(people):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    url = reverse("accounts:login")
    first.get(url)
    page = second.get(url)
    assert from_cache(page)
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert "sy-form-token" not in page.content.decode()
    response = second.post(
        url, {"username": "office", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302  # logged in: the token fits this visitor's cookie


def test_without_a_shared_cache_the_user_is_read_on_every_request(people, settings):
    """The embedded default: a per-process cache, which another process's write (a password
    reset from the command line) does not reach. Nothing about the user is kept there."""
    settings.PAGE_CACHE = False
    office = logged_in(people.office)
    assert office.get("/").status_code == 200
    data = VERSION_PREFIX + DATA_VERSION  # what the kept user is checked against
    stale = cache.get(data)
    people.office.set_password("Another#Pass2026")
    people.office.save()
    cache.set(data, stale, None)  # as if the write's bump went to another process
    assert sent_to_login(office.get("/"))


def test_a_visitor_without_a_session_is_not_looked_up_for_a_page_of_those_logged_in(people):
    store = caches["default"]
    with mock.patch.object(store, "get_many", wraps=store.get_many) as get_manys:
        response = Client().get("/")
    assert sent_to_login(response) and get_manys.call_count == 0


def test_an_answer_is_not_kept_if_a_write_committed_while_it_was_made(people):
    from shuangyong.core.cache import version
    from shuangyong.core.pagecache import _made_under
    from shuangyong.core.writes import written

    before = version(DATA_VERSION)  # what the lookup read
    kept = _made_under({"org_unit", "not_a_table"}, before)
    assert kept is not None and set(kept) == {"org_unit", ANY_TABLE}
    written(table="care_visit")  # commits (autocommit) while the page is being made
    assert _made_under({"org_unit"}, before) is None  # its data may be older than this


def test_after_a_write_elsewhere_a_kept_page_is_checked_once_not_on_every_answer(people, district):
    from shuangyong.care.tests.conftest import person
    from shuangyong.core import pagecache

    office = logged_in(people.office)
    office.get("/")
    person(district, name="新登记")  # the registry's table: not the home page's
    with mock.patch.object(pagecache, "_version_keys", wraps=pagecache._version_keys) as read:
        answers = [office.get("/") for _ in range(3)]
    assert all(from_cache(answer) for answer in answers)
    # The tables' versions read for the first answer; the next found it checked.
    assert read.call_count == 1


def test_a_check_noted_for_one_kept_page_does_not_vouch_for_another_kept_since(people, district):
    from shuangyong.care.tests.conftest import person
    from shuangyong.core import pagecache

    office = logged_in(people.office)
    office.get("/")
    person(district, name="新登记")  # moves the data version; the home page stays current
    assert from_cache(office.get("/"))  # checked by its tables, and the check noted
    [key] = [k for k in cache._cache if k.endswith(pagecache._CHECKED)]  # type: ignore[attr-defined]
    noted = cache.get(key.split(":", 2)[2])
    assert noted is not None
    entry = cache.get(key.split(":", 2)[2].removesuffix(pagecache._CHECKED))
    # The mark names the page it was found for: the same data version with another page
    # (made before a write, kept after it) is not taken as checked.
    assert pagecache._current(entry, noted[2], noted)
    assert not pagecache._current({**entry, "made": 0.0, "tables": {}}, noted[2], noted)


def test_a_second_factor_newly_required_is_asked_for_before_a_kept_page(people, settings):
    """Turning the second factor on (a restart: the cache keeps the pages) sends the care
    officer to enrol, though the registry was kept for their session."""
    care = logged_in(people.care)
    url = reverse("care:home")
    assert care.get(url).status_code == 200
    assert from_cache(care.get(url))
    settings.TOTP_FOR_PERSONAL_DATA = True
    answer = care.get(url)
    assert answer.status_code == 302 and answer["Location"] == reverse("accounts:otp_setup")
