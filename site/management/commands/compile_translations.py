"""Compile every `.po` catalogue under LOCALE_PATHS to `.mo`, in pure Python.

Django's `compilemessages` shells out to GNU gettext's `msgfmt`, which a fresh
machine lacks; Babel reads and writes the same formats. Like `msgfmt
--check-format` (what `compilemessages` runs), fuzzy entries are left out, the
header is kept even when it is marked fuzzy, and a translation whose
placeholders differ from its source fails the build; untranslated entries
(plural ones included) are left out, so the source text shows. A `.mo` whose bytes would
not change is not rewritten, so the autoreloader does not restart for nothing.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def compile_catalogue(po_path: Path) -> tuple[bool, list[str]]:
    """Write `po_path`'s `.mo` beside it; return (written, format errors)."""
    with po_path.open("rb") as fileobj:
        catalogue = read_po(fileobj, locale=po_path.parent.parent.name)
    errors = [
        f"{po_path}:{message.lineno}: {error}"
        for message, message_errors in catalogue.check()
        if not message.fuzzy
        for error in message_errors
    ]
    for message in list(catalogue):
        # Babel keeps a plural entry whose forms are all empty; msgfmt drops it
        # (gettext would otherwise answer "" instead of the English source).
        if message.id and message.pluralizable and not any(message.string):
            del catalogue[message.id]
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    mo_path = po_path.with_suffix(".mo")
    data = buffer.getvalue()
    if mo_path.exists() and mo_path.read_bytes() == data:
        return False, errors
    mo_path.write_bytes(data)
    return True, errors


class Command(BaseCommand):
    help = "Compile the .po catalogues under LOCALE_PATHS to .mo without GNU gettext."

    def handle(self, *args, **options) -> None:
        po_paths = sorted(
            path
            for directory in settings.LOCALE_PATHS
            for path in Path(directory).glob("*/LC_MESSAGES/*.po")
        )
        if not po_paths:
            raise CommandError("No .po catalogue found under LOCALE_PATHS.")
        all_errors: list[str] = []
        for po_path in po_paths:
            written, errors = compile_catalogue(po_path)
            all_errors.extend(errors)
            if written and options["verbosity"] >= 1:
                self.stdout.write(f"compiled {po_path}")
        if all_errors:
            raise CommandError(
                "Translations with mismatched placeholders:\n" + "\n".join(all_errors)
            )
