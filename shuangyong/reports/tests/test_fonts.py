"""The PDF font is found on this machine or named in settings, and must draw Chinese."""

import pytest

from shuangyong.reports import fonts

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def test_the_machines_chinese_font_draws_the_probe(cjk_font):
    assert cjk_font.name
    again = fonts._usable(cjk_font.path, cjk_font.index)
    assert again == cjk_font


def test_a_collection_prefers_its_simplified_chinese_face(cjk_font):
    if not cjk_font.path.endswith(".ttc"):
        pytest.skip("the machine's font is not a collection")
    assert any(mark in cjk_font.name for mark in fonts.PREFERRED_FACES)


def test_a_named_font_that_cannot_draw_chinese_is_refused(settings):
    import os

    if not os.path.exists(DEJAVU):
        pytest.skip("DejaVu Sans is not installed")
    settings.PDF_FONT = DEJAVU
    with pytest.raises(fonts.NoChineseFont) as refused:
        fonts.find_cjk_font()
    assert DEJAVU in str(refused.value) and "fonts-noto-cjk" in str(refused.value)


def test_a_missing_file_or_garbage_is_refused_not_raised(settings, tmp_path):
    garbage = tmp_path / "font.ttc"
    garbage.write_bytes(b"not a font at all")
    for named in ("/nonexistent/font.ttc", str(garbage), f"{garbage}#3"):
        settings.PDF_FONT = named
        with pytest.raises(fonts.NoChineseFont):
            fonts.find_cjk_font()


def test_with_nothing_installed_the_search_says_what_to_install(monkeypatch, settings):
    settings.PDF_FONT = ""
    monkeypatch.setattr(fonts, "KNOWN_FONTS", ())
    monkeypatch.setattr(fonts, "_fontconfig_fonts", lambda: [])
    fonts.forget()
    try:
        with pytest.raises(fonts.NoChineseFont) as refused:
            fonts.find_cjk_font()
        monkeypatch.setattr(fonts, "_find", lambda configured: pytest.fail("searched again"))
        with pytest.raises(fonts.NoChineseFont):  # the miss is believed for a while
            fonts.find_cjk_font()
    finally:
        monkeypatch.undo()
        fonts.forget()
    assert "fonts-noto-cjk" in str(refused.value)


def test_a_font_damaged_past_its_header_is_refused_not_raised(tmp_path, cjk_font):
    """Faces open lazily: a cut-off file opens, then fails when its tables are read."""
    with open(cjk_font.path, "rb") as whole:
        head = whole.read(4096)
    damaged = tmp_path / ("cut" + cjk_font.path[-4:])
    damaged.write_bytes(head)
    assert fonts._usable(str(damaged), None) is None
