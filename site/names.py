"""Display names that cannot hide or pretend: no invisible names, no look-alikes of others or of the staff.

- `invisible_characters(name)`: characters that render as nothing (Hangul
  fillers, zero-width and format characters, the braille blank, variation
  selectors). A name may contain none; one made only of them rendered blank.
- `skeleton(name)`: the name reduced to what it looks like, after UTS #39's
  idea of a confusable skeleton: compatibility-normalised, each character
  replaced by the prototype Unicode's confusables table gives it, case-folded
  (Cyrillic `ѕ` → Latin `s`, `0` → `O` → `o`, `I` and `1` → `l`). Two names with
  the same skeleton look alike; a name whose skeleton matches another
  resident's or a reserved name's (`RESERVED_DISPLAY_NAMES`) is refused.

The table is Unicode's `confusables.txt` as shipped by the
`confusable-homoglyphs` package (pure Python, kept current with Unicode,
used by django-registration for the same purpose). It stores each pair in
both directions; a character listed with exactly one look-alike is a source
and that look-alike its prototype, one listed with several is a prototype.
ICU's `SpoofChecker.getSkeleton` (PyICU) would be the reference
implementation, but needs a C++ build against libicu on every machine.
"""

import unicodedata
from functools import cache

from django.conf import settings

# Letters (category Lo/Mn) that render as nothing, beside the Cf/Cc/Z* categories.
_BLANK_LETTERS = frozenset(
    "\u115f\u1160\u3164\uffa0"  # Hangul choseong/jungseong fillers, Hangul filler, halfwidth filler
    "\u2800"  # braille pattern blank
    "\u034f"  # combining grapheme joiner
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u180b\u180c\u180d\u180e\u180f"  # Mongolian free variation selectors, vowel separator
    "\u2060\u2061\u2062\u2063\u2064\ufeff"
)
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _is_invisible(char: str) -> bool:
    if char in _BLANK_LETTERS:
        return True
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return True  # variation selectors
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES


def invisible_characters(name: str) -> list[str]:
    return [char for char in name if _is_invisible(char)]


def visible_length(name: str) -> int:
    """How many characters of the name a reader sees (spaces and invisible ones do not count)."""
    return sum(1 for char in name if not char.isspace() and not _is_invisible(char))


@cache
def _table() -> dict[str, list[dict]]:
    from confusable_homoglyphs.confusables import confusables_data

    return confusables_data


def _clean(text: str) -> str:
    return text.replace("\u200e", "").replace("\u200f", "")


@cache
def _prototype(char: str) -> str:
    entries = _table().get(char)
    if not entries or len(entries) != 1:
        return char  # not confusable, or itself a prototype
    target = _clean(entries[0]["c"])
    back = _table().get(target) if len(target) == 1 else None
    if back is not None and len(back) == 1 and _clean(back[0]["c"]) == char:
        return min(char, target)  # a pair listed only with each other
    return target


def _skeleton(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = " ".join("".join(char for char in text if not _is_invisible(char)).split())
    text = unicodedata.normalize("NFD", text)
    for _round in range(4):
        mapped = unicodedata.normalize(
            "NFD", "".join(_prototype(char) for char in text)
        ).casefold()
        if mapped == text:
            break
        text = mapped
    return unicodedata.normalize("NFC", text)


def skeleton(name: str) -> str:
    """What the name looks like in lower case (`rn` and `m`, `раul` and `paul` meet here)."""
    return _skeleton(name.casefold())


def skeleton_upper(name: str) -> str:
    """What the name looks like in capitals (`ΑDMIN` and `admin`, `ѕtaff` and `STAFF` meet here).

    Two keys, because case-folding alone loses look-alikes that exist in only
    one case: a capital `I` looks like `l`, a small `i` does not.
    """
    return _skeleton(name.upper())


def reserved_skeletons() -> frozenset[str]:
    names = getattr(settings, "RESERVED_DISPLAY_NAMES", ())
    return frozenset(skeleton(name) for name in names) | frozenset(
        "^" + skeleton_upper(name) for name in names
    )


def is_reserved(name: str) -> bool:
    keys = reserved_skeletons()
    return skeleton(name) in keys or "^" + skeleton_upper(name) in keys
