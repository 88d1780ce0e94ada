"""One-line text: titles, names, places. No control characters, no line breaks.

A line break in an event title made its .ics answer 500 and the organisers'
e-mail fail (`BadHeaderError`); a NUL byte cannot be stored in PostgreSQL
text; an escape sequence or a bidi override in a name misleads readers.

- `validate_one_line` is the validator for every model CharField (and plain
  form field) that holds one line a person typed: model forms and
  `full_clean` then refuse bad input with a clear message.
- `one_line(text)` is the sanitiser for the point of use: whatever is put in
  an e-mail subject, a calendar name or a header goes through it, so text
  stored before the validator existed (or set without `full_clean`) cannot
  break those either.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 and C1 controls (tab, CR and LF included), DEL, the Unicode line and
# paragraph separators, and the bidi embedding/override/isolate controls.
_NOT_ONE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def validate_one_line(value: str) -> None:
    if isinstance(value, str) and _NOT_ONE_LINE.search(value):
        raise ValidationError(
            _(
                "Please keep this on one line, without line breaks or control characters."
            ),
            code="not_one_line",
        )


def one_line(value: object, max_length: int | None = None) -> str:
    """`value` as one clean line: control characters become spaces, runs of space collapse."""
    text = " ".join(_NOT_ONE_LINE.sub(" ", str(value or "")).split())
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text
