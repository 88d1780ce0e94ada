"""Reading the district's data file: one row per association, checked before anything is written."""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

COLUMNS = ("code", "slug", "name_ko", "name_en")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[0-9A-Za-z_-]{1,20}$")


@dataclass(frozen=True)
class DongEntry:
    code: str
    slug: str
    name_ko: str
    name_en: str


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


def load_district_file(path: Path) -> list[DongEntry]:
    """Parse and validate the whole file; raise DistrictFileError at the first problem."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DistrictFileError(Path(path), _("the file does not exist.")) from None
    except UnicodeDecodeError:
        raise DistrictFileError(Path(path), _("the file is not UTF-8 text.")) from None

    reader = csv.DictReader(text.splitlines())
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise DistrictFileError(
            Path(path),
            _("the header must name the columns %(columns)s.")
            % {"columns": ", ".join(COLUMNS)},
            line=1,
        )

    entries: list[DongEntry] = []
    seen: dict[str, dict[str, int]] = {"code": {}, "slug": {}, "name_ko": {}}
    for row in reader:
        line = reader.line_num
        if None in row or any(value is None for value in row.values()):
            raise DistrictFileError(
                Path(path),
                _("expected %(count)d columns.") % {"count": len(COLUMNS)},
                line=line,
            )
        values = {column: (row[column] or "").strip() for column in COLUMNS}
        for column in COLUMNS:
            if not values[column]:
                raise DistrictFileError(
                    Path(path), _("this field is empty."), line=line, field=column
                )
        if not CODE_RE.match(values["code"]):
            raise DistrictFileError(
                Path(path),
                _("use up to 20 letters, digits, '-' or '_'."),
                line=line,
                field="code",
            )
        if not SLUG_RE.match(values["slug"]) or len(values["slug"]) > 60:
            raise DistrictFileError(
                Path(path),
                _(
                    "“%(value)s” is not an ASCII slug (lower-case letters, digits and single hyphens)."
                )
                % {"value": values["slug"]},
                line=line,
                field="slug",
            )
        for column, lines in seen.items():
            if values[column] in lines:
                raise DistrictFileError(
                    Path(path),
                    _("“%(value)s” already appears on line %(other)d.")
                    % {"value": values[column], "other": lines[values[column]]},
                    line=line,
                    field=column,
                )
            lines[values[column]] = line
        entries.append(DongEntry(**values))
    if not entries:
        raise DistrictFileError(Path(path), _("the file lists no associations."))
    return entries
