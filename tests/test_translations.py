"""The Indonesian catalogue is complete, compiled, and what users read.

locale/id/LC_MESSAGES/django.po holds every message of the project (and the Oscar messages
listed in marketplace/common/oscar_messages.py); django.mo, compiled from it, is committed
so that a fresh clone works without GNU gettext. How to update both: docs/translations.md.

The .po is read with Babel (installed with django-oscar), and the project's messages are
extracted the way `makemessages` does (Django's templatize for templates, Python
string extraction for code), so these tests need no GNU gettext either.
"""

import gettext
import io
import logging
import os
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

BASE_DIR = Path(settings.BASE_DIR)
PO_PATH = BASE_DIR / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# The same folders `make messages` leaves out, plus hidden ones (as makemessages does).
NOT_SCANNED = {".venv", "var", "tests", "node_modules", "locale"}
# The translation functions makemessages knows (xgettext's defaults plus Django's keywords).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# English texts of the home page and the catalogue that must never reach an Indonesian reader,
# with the Indonesian that must be there instead (proof the catalogue is loaded at all).
PAGES = {
    "/": (
        ["Browse the catalogue", "Newest products", "Register your MSME", "Login or register"],
        ["Jelajahi katalog", "Produk terbaru", "Daftarkan UMKM Anda", "Masuk atau daftar"],
    ),
    "/catalogue/": (
        ["All products", "Filters and sort", "Categories", "Login or register", ">Search<"],
        ["Semua produk", "Filter dan urutan", "Masuk atau daftar", ">Cari<"],
    ),
}


def _key(message_id, context):
    """Catalogue key: the msgid (the singular one for plurals), with its context if any."""
    singular = message_id[0] if isinstance(message_id, tuple | list) else message_id
    return (context, singular) if context else singular


@pytest.fixture(scope="module")
def catalogue():
    # Babel logs harmless notes about plural forms; keep the test output clean.
    logging.getLogger("babel").setLevel(logging.ERROR)
    with PO_PATH.open("rb") as po:
        return read_po(po, locale="id")


def _entries(catalogue):
    return [message for message in catalogue if message.id]


def _source_files():
    for root, folders, names in os.walk(BASE_DIR):
        folders[:] = sorted(f for f in folders if f not in NOT_SCANNED and not f.startswith("."))
        for name in sorted(names):
            if name.endswith((".py", ".html", ".txt")):
                yield Path(root) / name


def _source_messages():
    """{key: "file:line"} of every translatable message in the project's code and templates."""
    found = {}
    for path in _source_files():
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            # templatize turns {% translate %} and {% blocktranslate %} into gettext() calls
            # (one per line); the rest becomes filler whose indentation Python must not judge.
            source = "\n".join(line.lstrip() for line in templatize(source, origin=str(path)).split("\n"))
        for lineno, message, _comments, context in extract(
            "python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS
        ):
            found.setdefault(_key(message, context), f"{path.relative_to(BASE_DIR)}:{lineno}")
    return found


def test_catalogue_header_is_indonesian_with_one_plural_form(catalogue):
    assert not catalogue.fuzzy, "the header of django.po is marked fuzzy: remove '#, fuzzy' above it"
    headers = dict(catalogue.mime_headers)
    assert headers["Language"] == "id"
    assert headers["Plural-Forms"] == "nplurals=1; plural=0;"


def test_every_entry_has_an_indonesian_translation(catalogue):
    untranslated = [
        message.id
        for message in _entries(catalogue)
        if not all(message.string if isinstance(message.string, tuple | list) else [message.string])
    ]

    assert not untranslated, f"{len(untranslated)} entries without a translation: {untranslated}"


def test_no_entry_is_fuzzy(catalogue):
    # makemessages guesses a translation from a similar message and marks it fuzzy;
    # Django ignores fuzzy entries, so the English would show.
    fuzzy = [message.id for message in _entries(catalogue) if message.fuzzy]

    assert not fuzzy, f"{len(fuzzy)} fuzzy entries to check and unmark: {fuzzy}"


def test_every_message_of_the_project_is_in_the_catalogue(catalogue):
    in_catalogue = {_key(message.id, message.context) for message in _entries(catalogue)}

    missing = {key: where for key, where in _source_messages().items() if key not in in_catalogue}

    assert not missing, (
        f"{len(missing)} messages are not in locale/id/LC_MESSAGES/django.po; "
        f"run `make messages` and translate them: {missing}"
    )


def test_compiled_catalogue_matches_the_po_file(catalogue):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)._catalog
    with MO_PATH.open("rb") as mo:
        committed = gettext.GNUTranslations(mo)._catalog
    expected.pop("", None), committed.pop("", None)  # headers: written differently by each tool

    stale = sorted(str(key) for key in expected.keys() ^ committed.keys())
    stale += sorted(str(key) for key in expected.keys() & committed.keys() if expected[key] != committed[key])

    assert not stale, f"django.mo is older than django.po: run `make messages` ({stale[:10]})"


def test_django_translates_with_the_project_catalogue(catalogue):
    # Translated entries only: the tests above report the others.
    entries = [message for message in _entries(catalogue) if message.string and not message.fuzzy]
    sample = entries[:: max(1, len(entries) // 20)][:20]

    with translation.override("id"):
        for message in sample:
            if isinstance(message.id, tuple | list):
                singular, plural = message.id
                if message.context:
                    got = translation.npgettext(message.context, singular, plural, 1)
                else:
                    got = translation.ngettext(singular, plural, 1)
                assert got == message.string[0], message.id
            elif message.context:
                assert translation.pgettext(message.context, message.id) == message.string, message.id
            else:
                assert translation.gettext(message.id) == message.string, message.id


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pages_speak_indonesian_by_default(client, url):
    english, indonesian = PAGES[url]

    html = client.get(url).content.decode()

    assert [text for text in english if text in html] == []
    assert [text for text in indonesian if text not in html] == []


def test_words_with_two_meanings_are_told_apart_by_context():
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("id"):
        assert pgettext("sale unit", "Unit") == "Satuan"  # kotak, porsi, orang, pcs
        assert gettext("Unit") == "Unit"  # a government unit (OPD)
        assert pgettext("budget account", "Account") == "Rekening"  # kode rekening belanja
        assert gettext("Account") == "Akun"  # a user's account
