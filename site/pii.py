"""Personal data in what residents publish: phone numbers, e-mail addresses, bank accounts, resident registration numbers.

PIPA (issue #15): before a thread, post, event or proposal is published its
text is scanned. A phone number, e-mail address or bank account number makes
the form ask the writer to confirm (`PersonalDataFormMixin`); a resident
registration number (주민등록번호, or a foreigner's registration number, same
shape) is refused outright, by the form and again by the service
(`refuse_rrn`), so no path (API, admin, socket, a script) publishes one.

Text is read after NFKC normalisation (full-width digits and hyphens become
ASCII) with every kind of dash read as "-". What counts:

- mobile numbers 010/011/016/017/018/019, with hyphens, dots, spaces or none,
  and +82 (the leading 0 dropped); landlines (02, 031…064) and 070/050x with
  separators or parentheses (a bare 9–10 digit run is too often an id);
- e-mail addresses (`name@domain.tld`; an @mention has no domain);
- bank accounts: 3 or 4 hyphenated groups of 10–14 digits in all (110-123-456789,
  1002-123-456789, 3333-01-1234567, 123-1234-1234-12), or a bare run of 10–14
  digits next to a banking word (계좌, 은행, 입금, account…);
- resident registration numbers: YYMMDD, a hyphen or space (or nothing), then
  the 7th digit 1–8 and six more; the date must exist. Since October 2020 new
  numbers carry no checksum, so with a separator only the date is checked; a
  bare 13-digit run must also pass the old checksum or be of someone born
  from 2020 on (a barcode such as 8801234567890 is not refused).

Not personal data, and not reported: dates (2026-11-30, 2026.11.30), times
(10:00-12:00), prices (12,000원, 1,200,000), year ranges (2025-2026),
addresses' lot numbers (123-45), ISBNs, masked numbers (900101-1******).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣－ー"), "-")
ODD_DASH = re.compile("[‐‑‒–—―−﹣－ー]")

_SEP = r"[-. ]?"
_NOT_DIGIT_BEFORE = r"(?<![0-9A-Za-z.+-])"
_NOT_DIGIT_AFTER = r"(?![0-9A-Za-z]|[-.]\d)"

MOBILE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:\+ ?82[- ]?(?:\(0\))?0?|\(?0)1[016789]\)?"
    + _SEP
    + r"\d{3,4}"
    + _SEP
    + r"\d{4}"
    + _NOT_DIGIT_AFTER
)
LANDLINE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:\+ ?82[- ]?(?:\(0\))?|\(?0)(?:2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50\d)\)?"
    + r"(?:[-. ]|\) ?)"
    + r"\d{3,4}"
    + r"[-. ]"
    + r"\d{4}"
    + _NOT_DIGIT_AFTER
)
EMAIL = re.compile(
    r"(?<![0-9A-Za-z.+_%-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![0-9A-Za-z_-])"
)
ACCOUNT_HYPHENATED = re.compile(
    r"(?<![0-9A-Za-z.-])\d{2,7}(?:-\d{1,7}){2,3}(?![0-9A-Za-z]|[-.]\d)"
)
ACCOUNT_BARE = re.compile(r"(?<![0-9A-Za-z.-])\d{10,14}(?![0-9A-Za-z]|[-.]\d)")
BANK_WORDS = re.compile(
    r"계좌|은행|입금|송금|이체|예금주|뱅크|농협|신한|국민|우리|하나|기업|새마을|우체국|"
    r"수협|토스|케이뱅크|카카오|\bbank|\baccount|\bIBAN\b",
    re.IGNORECASE,
)
DIGIT = re.compile(r"\d")
RRN = re.compile(
    r"(?<![0-9A-Za-z.-])(\d{2})(\d{2})(\d{2})( ?- ?| )?([1-8])(\d{6})(?![0-9A-Za-z]|[-.]\d)"
)


@dataclass(frozen=True)
class Findings:
    """What `scan` found, as written (normalised), in order of appearance per kind."""

    rrn: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rrn or self.phones or self.emails or self.accounts)

    @property
    def needs_confirmation(self) -> bool:
        """Something the writer may publish after confirming (not an RRN)."""
        return bool(self.phones or self.emails or self.accounts)


def normalise(text: str) -> str:
    """NFKC (full-width digits, letters and punctuation to ASCII), every dash as '-'."""
    text = text or ""
    if not unicodedata.is_normalized(
        "NFKC", text
    ):  # the quick check: most text already is
        text = unicodedata.normalize("NFKC", text)
    return text.translate(DASHES) if ODD_DASH.search(text) else text


def _rrn_date_ok(yy: str, mm: str, dd: str, gender: str) -> bool:
    century = 1900 if gender in "1256" else 2000
    try:
        born = datetime.date(century + int(yy), int(mm), int(dd))
    except ValueError:
        return False
    return born <= datetime.date.today()


def _rrn_checksum_ok(digits: str) -> bool:
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(d) * w for d, w in zip(digits[:12], weights, strict=True))
    return (11 - total % 11) % 10 == int(digits[12])


def _is_rrn(match: re.Match) -> bool:
    yy, mm, dd, sep, gender, rest = match.groups()
    if not _rrn_date_ok(yy, mm, dd, gender):
        return False
    if sep is not None:
        return True
    # A bare 13-digit run: the old checksum, or a number issued after October 2020.
    digits = yy + mm + dd + gender + rest
    born_2020s = gender in "3478" and int(yy) >= 20
    return _rrn_checksum_ok(digits) or born_2020s


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def scan(text: str) -> Findings:
    """Find what looks like personal data in `text` (see the module's docstring for the formats)."""
    text = normalise(text)
    taken: list[tuple[int, int]] = []
    found: dict[str, list[str]] = {
        "rrn": [],
        "phones": [],
        "emails": [],
        "accounts": [],
    }

    def keep(kind: str, match: re.Match) -> None:
        taken.append(match.span())
        value = match.group(0).strip()
        if value not in found[kind]:
            found[kind].append(value)

    if "@" in text:
        for match in EMAIL.finditer(text):
            keep("emails", match)
    if not DIGIT.search(text):
        return Findings(**found)
    for match in RRN.finditer(text):
        if not _overlaps(match.span(), taken) and _is_rrn(match):
            keep("rrn", match)
    for pattern in (MOBILE, LANDLINE):
        for match in pattern.finditer(text):
            if not _overlaps(match.span(), taken):
                keep("phones", match)
    for match in ACCOUNT_HYPHENATED.finditer(text):
        digits = sum(c.isdigit() for c in match.group(0))
        if 10 <= digits <= 14 and not _overlaps(match.span(), taken):
            keep("accounts", match)
    for match in ACCOUNT_BARE.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        nearby = text[max(0, match.start() - 30) : match.end() + 30]
        if BANK_WORDS.search(nearby):
            keep("accounts", match)
    return Findings(**found)


def mask_rrn(value: str) -> str:
    """900101-1234567 → 900101-1******: enough to find it in the text, without repeating it."""
    digits = [c for c in value if c.isdigit()]
    return "".join(digits[:6]) + "-" + digits[6] + "******"


RRN_MESSAGE = _(
    "This looks like a resident registration number (%(numbers)s). It can never be "
    "published here: please remove it."
)


def rrn_error(findings: Findings) -> ValidationError:
    return ValidationError(
        RRN_MESSAGE,
        code="resident_registration_number",
        params={"numbers": ", ".join(mask_rrn(n) for n in findings.rrn)},
    )


def refuse_rrn(*texts: str, **fields: str) -> None:
    """Raise a ValidationError if any text holds a resident registration number.

    Services call it before they write, so the refusal holds on every path,
    not only behind the forms (which also ask about phones and e-mails).
    Texts passed by keyword (`title=..., body=...`) put the error on that field.
    """
    for text in texts:
        findings = scan(text)
        if findings.rrn:
            raise rrn_error(findings)
    errors = {}
    for name, text in fields.items():
        findings = scan(text)
        if findings.rrn:
            errors[name] = [rrn_error(findings)]
    if errors:
        raise ValidationError(errors)


def describe(findings: Findings) -> str:
    """'a phone number (010-…), an e-mail address (a@b.kr)' in the current language."""
    parts = []
    if findings.phones:
        parts.append(
            ngettext(
                "a phone number (%(list)s)",
                "phone numbers (%(list)s)",
                len(findings.phones),
            )
            % {"list": ", ".join(findings.phones)}
        )
    if findings.emails:
        parts.append(
            ngettext(
                "an e-mail address (%(list)s)",
                "e-mail addresses (%(list)s)",
                len(findings.emails),
            )
            % {"list": ", ".join(findings.emails)}
        )
    if findings.accounts:
        parts.append(
            ngettext(
                "a bank account number (%(list)s)",
                "bank account numbers (%(list)s)",
                len(findings.accounts),
            )
            % {"list": ", ".join(findings.accounts)}
        )
    return "; ".join(parts)


CONFIRM_FIELD = "confirm_personal_data"


class PersonalDataFormMixin:
    """Ask before publishing a phone number, e-mail address or bank account; refuse an RRN.

    Put it before `forms.Form` in a content form and name the text fields in
    `personal_data_fields`. The form gains `confirm_personal_data`, a hidden
    field until something is found: then it becomes a checkbox, with the
    warning (what was found) as its error, and the form is valid only once it
    is ticked. A resident registration number is an error on its field that no
    tick removes. Templates render the field with `district/includes/field.html`
    (which shows nothing for a hidden field) or loop over the form's fields.
    """

    personal_data_fields: tuple[str, ...] = ("body",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[CONFIRM_FIELD] = forms.BooleanField(
            required=False,
            widget=forms.HiddenInput,
            label=_(
                "I have checked: publish it with this information. Everyone can read it."
            ),
        )
        self.personal_data = Findings()

    def clean(self):
        data = super().clean()
        rrn_found = False
        combined = Findings()
        for name in self.personal_data_fields:
            value = data.get(name)
            if not isinstance(value, str) or not value:
                continue
            findings = scan(value)
            if findings.rrn:
                self.add_error(name, rrn_error(findings))
                rrn_found = True
            combined = Findings(
                rrn=combined.rrn + findings.rrn,
                phones=combined.phones + findings.phones,
                emails=combined.emails + findings.emails,
                accounts=combined.accounts + findings.accounts,
            )
        self.personal_data = combined
        if combined.needs_confirmation and not rrn_found:
            field = self.fields[CONFIRM_FIELD]
            field.widget = forms.CheckboxInput()
            if not data.get(CONFIRM_FIELD):
                found = gettext("Your text seems to contain %(found)s.") % {
                    "found": describe(combined)
                }
                advice = gettext(
                    "Everyone can read what you publish here. Remove it, or tick the "
                    "box to publish it anyway."
                )
                self.add_error(
                    CONFIRM_FIELD,
                    ValidationError(f"{found} {advice}", code="personal_data"),
                )
        return data
