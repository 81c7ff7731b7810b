import os
import shutil
import subprocess

import pytest

from shuangyong.reports import fonts


@pytest.fixture
def cjk_font(settings):
    """The machine's Chinese font: CI installs it (fonts-noto-cjk), so there a missing
    font fails the test; elsewhere the PDF tests are skipped with the reason."""
    settings.PDF_FONT = ""
    try:
        return fonts.find_cjk_font()
    except fonts.NoChineseFont as exc:
        if os.environ.get("SHUANGYONG_BROWSER_REQUIRED"):
            pytest.fail(f"CI needs a Chinese font for the PDF tests: {exc}")
        pytest.skip(str(exc))


@pytest.fixture
def no_cjk_font(settings):
    """A machine without any Chinese font, as far as the PDF step can tell."""
    settings.PDF_FONT = "/nonexistent/no-font.ttc"


@pytest.fixture
def scored(assessment, standard):
    """The self-assessment with 2.1 at full points, 1.2 achieved and veto 10.2 triggered."""
    from shuangyong.campaigns import services

    criteria = {c.code: c for c in standard.criteria.all()}
    for code, facts in (("2.1", {"actual": "100"}), ("1.2", {"achieved": True}),
                        ("10.2", {"vetoed": True})):  # fmt: skip
        services.record_score(
            assessment=assessment, criterion=criteria[code], facts=facts, comment="", actor=None
        )
    return assessment


@pytest.fixture
def pdf_text():
    """The text of a PDF as poppler's pdftotext reads it (Debian's poppler-utils, which
    CI installs; pure-Python readers misread CFF-based CID fonts)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("SHUANGYONG_BROWSER_REQUIRED"):
            pytest.fail("CI needs pdftotext (apt-get install poppler-utils)")
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")

    def read(data: bytes) -> str:
        done = subprocess.run([tool, "-", "-"], input=data, capture_output=True, check=True)
        return done.stdout.decode()

    return read
