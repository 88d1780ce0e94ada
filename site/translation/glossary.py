"""Administrative words machine translation gets wrong, with the right term in each language.

Applied around the backend (which has no glossary parameter): each known term
in the source text is replaced by a placeholder the engine leaves alone, and
the placeholder by the right term in the target language afterwards. The same
table explains the words in the interface (`{% glossary %}` page, and
`<abbr>` titles in translations).
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    ko: str
    en: str
    zh_hans: str
    vi: str
    ja: str
    explanation: str
    standalone: bool = False  # match only as a word of its own (one-syllable terms)

    def form(self, language: str) -> str:
        return getattr(self, language.replace("-", "_"), self.ko)

    def forms(self) -> dict[str, str]:
        return {
            "ko": self.ko,
            "en": self.en,
            "zh-hans": self.zh_hans,
            "vi": self.vi,
            "ja": self.ja,
        }


TERMS: tuple[Term, ...] = (
    Term(
        "주민자치회",
        "Residents' Self-Government Association",
        "居民自治会",
        "Hội tự quản cư dân",
        "住民自治会",
        _(
            "The elected association of residents that runs the neighbourhood's self-government (one per dong)."
        ),
    ),
    Term(
        "자치계획",
        "self-government plan",
        "自治计划",
        "kế hoạch tự quản",
        "自治計画",
        _(
            "The yearly plan of projects the association proposes and the residents' general assembly adopts."
        ),
    ),
    Term(
        "주민총회",
        "residents' general assembly",
        "居民大会",
        "đại hội cư dân",
        "住民総会",
        _(
            "The meeting where all residents of the dong vote on the self-government plan."
        ),
    ),
    Term(
        "행정복지센터",
        "community service centre",
        "行政福利中心",
        "trung tâm hành chính phúc lợi",
        "行政福祉センター",
        _(
            "The dong's public office (formerly 주민센터): certificates, welfare, meeting rooms."
        ),
    ),
    Term(
        "주민센터",
        "community service centre",
        "居民中心",
        "trung tâm cư dân",
        "住民センター",
        _("The former name of the dong's public office, now 행정복지센터."),
    ),
    Term(
        "분과",
        "working group",
        "分科委员会",
        "tiểu ban",
        "分科会",
        _(
            "A committee of the association working on one subject (culture, environment, welfare…)."
        ),
    ),
    Term(
        "구청",
        "district office",
        "区厅",
        "ủy ban quận",
        "区役所",
        _("Gangnam-gu's district office."),
    ),
    Term(
        "동",
        "dong (neighbourhood)",
        "洞",
        "phường (dong)",
        "洞",
        _("The smallest administrative area of the city; Gangnam-gu has 22."),
        standalone=True,
    ),
)

_PLACEHOLDER = re.compile(r"\[\s*[Gg]\s*(\d+)\s*\]")


def _pattern(form: str, standalone: bool) -> str:
    escaped = re.escape(form)
    if standalone:
        return rf"(?<![\w]){escaped}(?![\w])"
    if form.isascii():
        return rf"\b{escaped}\b"
    return escaped


def _source_regex(target: str) -> tuple[re.Pattern, dict[str, int]]:
    """All forms of all terms except the target's, longest first, each mapped to its term's index."""
    forms: dict[str, int] = {}
    parts = []
    for index, term in enumerate(TERMS):
        for language, form in term.forms().items():
            if language == target or form.lower() in forms:
                continue
            forms[form.lower()] = index
            parts.append((form, term.standalone))
    parts.sort(key=lambda item: -len(item[0]))
    regex = re.compile("|".join(_pattern(f, s) for f, s in parts), re.IGNORECASE)
    return regex, forms


def protect(text: str, target: str) -> str:
    """Replace every glossary term (in any language but `target`) by a placeholder `[G3]`."""
    regex, forms = _source_regex(target)
    return regex.sub(lambda m: f"[G{forms[m.group(0).lower()]}]", text)


def restore(text: str, target: str) -> str:
    """Put the right term in `target` back where the placeholders came through."""

    def replace(match: re.Match) -> str:
        index = int(match.group(1))
        return TERMS[index].form(target) if index < len(TERMS) else match.group(0)

    return _PLACEHOLDER.sub(replace, text)


def explain_html(html: str, language: str) -> str:
    """Wrap the glossary terms of `language` found in `html` text (never inside tags) in <abbr title>."""
    terms = [t for t in TERMS if not t.standalone]
    # The HTML is escaped: "Residents' …" reads "Residents&#x27; …" there.
    by_form = {str(escape(t.form(language))).lower(): t for t in terms}
    regex = re.compile(
        "|".join(
            _pattern(form, False) for form in sorted(by_form, key=len, reverse=True)
        ),
        re.IGNORECASE,
    )

    def wrap(match: re.Match) -> str:
        term = by_form[match.group(0).lower()]
        title = f"{term.ko} — {term.explanation}"
        return f'<abbr class="glossary-term" title="{escape(title)}">{match.group(0)}</abbr>'

    pieces = re.split(r"(<[^>]*>)", html)
    inside_abbr_or_link = 0
    out = []
    for piece in pieces:
        if piece.startswith("<"):
            lowered = piece.lower()
            if lowered.startswith(("<a ", "<a>", "<abbr", "<code", "<pre")):
                inside_abbr_or_link += 1
            elif lowered.startswith(("</a>", "</abbr", "</code", "</pre")):
                inside_abbr_or_link = max(0, inside_abbr_or_link - 1)
            out.append(piece)
        elif inside_abbr_or_link:
            out.append(piece)
        else:
            out.append(regex.sub(wrap, piece))
    return "".join(out)
