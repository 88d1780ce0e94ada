"""Reading the district's data file: one row per association, checked before anything is written.

Required columns: `code`, `slug`, `name_ko`, `name_en`. Optional columns:
`population` (an integer, or empty when the figure is not known) and
`previous_slug` (the address the association had before a rename; empty
otherwise). The slug is an association's identity when the file is seeded
again: codes are re-assigned by the national boundary data and move between
associations. See `dong/data/README.md`.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

COLUMNS = ("code", "slug", "name_ko", "name_en")
OPTIONAL_COLUMNS = ("population", "previous_slug")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[0-9A-Za-z_-]{1,20}$")
POPULATION_RE = re.compile(r"^[0-9]{1,9}$")


@dataclass(frozen=True)
class DongEntry:
    code: str
    slug: str
    name_ko: str
    name_en: str
    population: int | None = None
    previous_slug: str = ""


class DistrictFileError(ValueError):
    """A problem in the data file, naming the line and the field so a person can fix it."""

    def __init__(
        self,
        path: Path,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ):
        self.path, self.line, self.field = path, line, field
        where = path.name
        if line is not None:
            where += _(", line %(line)d") % {"line": line}
        if field is not None:
            where += _(", field “%(field)s”") % {"field": field}
        super().__init__(f"{where}: {message}")


def _slug_problem(value: str) -> str | None:
    if SLUG_RE.match(value) and len(value) <= 60:
        return None
    return _(
        "“%(value)s” is not an ASCII slug (lower-case letters, digits and single hyphens)."
    ) % {"value": value}


def load_district_file(path: Path) -> list[DongEntry]:
    """Parse and validate the whole file; raise DistrictFileError at the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DistrictFileError(path, _("the file does not exist.")) from None
    except UnicodeDecodeError:
        raise DistrictFileError(path, _("the file is not UTF-8 text.")) from None

    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise DistrictFileError(
            path,
            _("the header must name the columns %(columns)s.")
            % {"columns": ", ".join(COLUMNS)},
            line=1,
        )
    wrong = [
        name
        for number, name in enumerate(header)
        if name not in COLUMNS + OPTIONAL_COLUMNS or name in header[:number]
    ]
    if wrong:
        raise DistrictFileError(
            path,
            _("unknown or repeated column “%(column)s”; the columns are %(columns)s.")
            % {"column": wrong[0], "columns": ", ".join(COLUMNS + OPTIONAL_COLUMNS)},
            line=1,
        )

    entries: list[DongEntry] = []
    seen: dict[str, dict[str, int]] = {
        "code": {},
        "slug": {},
        "name_ko": {},
        "previous_slug": {},
    }
    for row in reader:
        line = reader.line_num
        if None in row or any(value is None for value in row.values()):
            raise DistrictFileError(
                path,
                _("expected %(count)d columns.") % {"count": len(header)},
                line=line,
            )
        values = {column: (row.get(column) or "").strip() for column in header}
        for column in COLUMNS:
            if not values[column]:
                raise DistrictFileError(
                    path, _("this field is empty."), line=line, field=column
                )
        if not CODE_RE.match(values["code"]):
            raise DistrictFileError(
                path,
                _("use up to 20 letters, digits, '-' or '_'."),
                line=line,
                field="code",
            )
        for column in ("slug", "previous_slug"):
            value = values.get(column, "")
            if (column == "slug" or value) and (problem := _slug_problem(value)):
                raise DistrictFileError(path, problem, line=line, field=column)
        population = values.get("population", "")
        if population and not POPULATION_RE.match(population):
            raise DistrictFileError(
                path,
                _(
                    "“%(value)s” is not a number of residents (digits only, no separators); leave it empty if unknown."
                )
                % {"value": population},
                line=line,
                field="population",
            )
        if values.get("previous_slug") == values["slug"]:
            raise DistrictFileError(
                path,
                _("the previous address must differ from the new one."),
                line=line,
                field="previous_slug",
            )
        for column, lines in seen.items():
            value = values.get(column, "")
            if not value:
                continue
            if value in lines:
                raise DistrictFileError(
                    path,
                    _("“%(value)s” already appears on line %(other)d.")
                    % {"value": value, "other": lines[value]},
                    line=line,
                    field=column,
                )
            lines[value] = line
        entries.append(
            DongEntry(
                code=values["code"],
                slug=values["slug"],
                name_ko=values["name_ko"],
                name_en=values["name_en"],
                population=int(population) if population else None,
                previous_slug=values.get("previous_slug", ""),
            )
        )
    if not entries:
        raise DistrictFileError(path, _("the file lists no associations."))
    # A previous address that is another row's current address would make the
    # rename depend on the order of the rows: refuse it.
    for previous, line in seen["previous_slug"].items():
        if previous in seen["slug"]:
            raise DistrictFileError(
                path,
                _("“%(value)s” is the address of the association on line %(other)d.")
                % {"value": previous, "other": seen["slug"][previous]},
                line=line,
                field="previous_slug",
            )
    return entries
