"""The one CSV writer for everything the site publishes or hands out as CSV.

A spreadsheet reads a cell that starts with `=`, `+`, `-` or `@` (or a tab or
a carriage return, which some programs skip before looking) as a formula:
`=HYPERLINK(...)` in a notice title or `-2+3+cmd|...` in a tag would run
when an official opens the open data in Excel. Every text cell that starts
so gets a leading apostrophe (OWASP's advice), which spreadsheets show as
text. Numbers written as numbers (int, float, Decimal) are left alone, so
`-3` stays a number.

`csv_response(filename)` gives an HttpResponse with the UTF-8 BOM that Excel
needs for Hangul, and `writer(response)` writes safe rows into it (or into any
file-like object). Use these, never `csv.writer` directly.

Wagtail's own CSV exports (the admin's reports and listings) write cells as
they are; `protect_wagtail_exports()`, called once from the kernel's
AppConfig.ready(), routes them through `neutralise` too.
"""

import csv as _csv
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """The cell as it should be written: text that could start a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


class SafeWriter:
    """`csv.writer` whose every cell goes through `neutralise`."""

    def __init__(self, out, **kwargs: Any):
        self._writer = _csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """`csv.DictWriter` whose every cell goes through `neutralise` (header names too)."""

    def __init__(self, out, fieldnames: Iterable[str], **kwargs: Any):
        self.fieldnames = list(fieldnames)
        self._writer = _csv.DictWriter(out, fieldnames=self.fieldnames, **kwargs)

    def writeheader(self) -> Any:
        return self._writer.writerow(
            {name: neutralise(name) for name in self.fieldnames}
        )

    def writerow(self, row: Mapping[str, Any]) -> Any:
        return self._writer.writerow(
            {key: neutralise(value) for key, value in row.items()}
        )


def writer(out, **kwargs: Any) -> SafeWriter:
    return SafeWriter(out, **kwargs)


def dict_writer(out, fieldnames: Iterable[str], **kwargs: Any) -> SafeDictWriter:
    return SafeDictWriter(out, fieldnames, **kwargs)


def csv_response(
    filename: str, *, inline: bool = False, bom: bool = True
) -> HttpResponse:
    """An empty CSV response to write rows into (`writer(response)`)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if bom:
        response.write("\ufeff")  # so spreadsheet programs read Hangul as UTF-8
    return response


def protect_wagtail_exports() -> None:
    """Make Wagtail's admin CSV exports (`SpreadsheetExportMixin`) neutralise formula cells too."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin.write_csv_row, "neutralises", False):
        return

    def write_csv_row(self, writer, row_dict):
        # Wagtail's own body, with each cell neutralised after Wagtail formats it.
        return writer.writerow(
            {
                field: neutralise(
                    self.preprocess_field_value(field, value, self.FORMAT_CSV)
                )
                for field, value in row_dict.items()
            }
        )

    write_csv_row.neutralises = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row
