"""`manage.py compile_translations` builds the .mo files without GNU gettext."""

import gettext
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"""


def write_po(root: Path, lang: str, body: str, header_flags: str = "") -> Path:
    path = root / lang / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    path.write_text(header_flags + HEADER + "\n" + body, encoding="utf-8")
    return path


def load(path: Path) -> gettext.GNUTranslations:
    with path.with_suffix(".mo").open("rb") as fileobj:
        return gettext.GNUTranslations(fileobj)


def test_project_catalogues_compile_with_no_msgfmt_on_path(tmp_path, monkeypatch):
    shutil.copytree(
        Path(settings.BASE_DIR) / "locale",
        tmp_path / "locale",
        ignore=shutil.ignore_patterns("*.mo"),
    )
    monkeypatch.setenv("PATH", "")  # no msgfmt, no anything
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path / "locale"])

    call_command("compile_translations", verbosity=0)

    korean = load(tmp_path / "locale" / "ko" / "LC_MESSAGES" / "django.po")
    assert korean.gettext("Search") != "Search"
    assert (tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.mo").exists()


def test_fuzzy_header_kept_fuzzy_and_empty_plural_entries_left_out(
    tmp_path, monkeypatch
):
    body = (
        'msgid "Hello"\nmsgstr "Bonjour"\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr "Devine"\n\n'
        'msgid "%(n)s post"\nmsgid_plural "%(n)s posts"\nmsgstr[0] ""\nmsgstr[1] ""\n'
    )
    po = write_po(tmp_path, "fr", body, header_flags="#, fuzzy\n")
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path])

    call_command("compile_translations", verbosity=0)

    french = load(po)
    assert french.gettext("Hello") == "Bonjour"
    assert french.gettext("Guess") == "Guess"
    assert french.ngettext("%(n)s post", "%(n)s posts", 2) == "%(n)s posts"


def test_translation_with_a_wrong_placeholder_fails_the_build(tmp_path, monkeypatch):
    body = '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "Bonjour %(nom)s"\n'
    write_po(tmp_path, "fr", body)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path])

    with pytest.raises(CommandError, match="placeholders"):
        call_command("compile_translations", verbosity=0)
