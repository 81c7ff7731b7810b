"""Chinese first: every message has a zh-hans translation, and the compiled
catalogue the app loads matches the source catalogue people edit."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries(catalogue):
    return {
        (e.msgctxt, e.msgid): (e.msgstr or "".join(e.msgstr_plural.values()))
        for e in catalogue
        if e.msgid and not e.obsolete
    }


def test_every_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert untranslated == [] and fuzzy == [], "run ./dev i18n and translate these"


def test_compiled_catalogue_is_up_to_date():
    po = _entries(polib.pofile(str(LOCALE / "django.po")))
    mo = _entries(polib.mofile(str(LOCALE / "django.mo")))
    assert po == mo, "run ./dev i18n to compile the catalogue"
