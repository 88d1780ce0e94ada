"""Korean words as search can match them: morphemes from the Kiwi analyser.

Residents type forms that never occur in the text: "회의를" for "회의",
"정기회의" for "정기 회의", "깨끗한" for "깨끗하게". Kiwi (kiwipiepy, with
its model shipped as the kiwipiepy-model package: nothing is downloaded)
splits each word into morphemes; we keep the ones that carry meaning (nouns,
verb and adjective stems, roots, numbers, foreign words), drop particles and
endings, and index them as space-separated tokens (`district.SearchTerms`,
filled where Wagtail's index is written: `district.search_backend`). A query
goes through the same analysis, so both sides agree.

The analyser takes about a second and a few hundred megabytes to load: it is
created on the first analysis (the first search or index write), once per
process, under a lock; importing this module, `check` and `migrate` never
load it. `DONGNE_KOREAN_ANALYSER = False` turns analysis off (search is then
substring matching only, as before).
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

# Tags whose morphemes carry meaning: common and proper nouns, numerals,
# verb and adjective stems, roots, foreign words, numbers, Chinese characters.
_NOUNS = {"NNG", "NNP", "NR"}
_KEPT = _NOUNS | {"VV", "VA", "XR", "SL", "SN", "SH"}
# Parts of a compound written as one word: a prefix (대+청소), a suffix
# (동장+님), numbers (역삼+1+동) and foreign words stick to their neighbours.
_COMPOUND = _NOUNS | {"NNB", "XPN", "XSN", "SN", "SL", "SH", "XR"}
# Stems that nearly every sentence holds (하다, 되다, 있다, 없다, 않다, 이다).
_STOP = {"하", "되", "있", "없", "않", "이"}
_MAX_TEXT = 20_000

_lock = threading.Lock()


def enabled() -> bool:
    return getattr(settings, "DONGNE_KOREAN_ANALYSER", True)


@cache
def _kiwi_locked() -> Kiwi:
    from kiwipiepy import Kiwi

    return Kiwi()


def kiwi() -> Kiwi:
    """The process's one analyser, created on first use (thread-safe)."""
    with _lock:
        return _kiwi_locked()


def loaded() -> bool:
    return _kiwi_locked.cache_info().currsize > 0


def _norm(form: str, tag: str) -> str:
    form = form.lower()
    # 깨끗하(VA) and 깨끗(XR)+하: one token either way.
    if tag in ("VA", "VV") and len(form) > 1 and form.endswith("하"):
        form = form[:-1]
    return form


@dataclass(frozen=True)
class Word:
    """One space-separated word of a query: as typed, its kept morphemes, and their compound."""

    text: str
    parts: tuple[str, ...]
    compound: str


def _words(text: str) -> list[Word]:
    """Each whitespace-separated word of `text` with its meaningful morphemes (and the compound they form)."""
    chunks = text.split()
    if not chunks:
        return []
    text = " ".join(chunks)[:_MAX_TEXT]
    starts = [0]
    for chunk in chunks[:-1]:
        starts.append(starts[-1] + len(chunk) + 1)
    by_word: dict[int, list] = {}
    for token in kiwi().tokenize(text):
        position = bisect.bisect_right(starts, token.start) - 1
        by_word.setdefault(position, []).append(token)
    words = []
    for position, chunk in enumerate(chunks):
        parts: list[str] = []
        runs: list[str] = []
        run = ""
        for token in by_word.get(position, ()):
            form = _norm(token.form, token.tag)
            if token.tag in _COMPOUND:
                run += form
            else:
                if run:
                    runs.append(run)
                run = ""
            if token.tag in _KEPT and form not in _STOP:
                parts.append(form)
        if run:
            runs.append(run)
        compound = max(runs, key=len, default="")
        words.append(Word(chunk, tuple(dict.fromkeys(parts)), compound))
    return words


_DONG_NUMBER = re.compile(r"^(\D+)\d+(동)$")


def analyse(text: str) -> list[str]:
    """The distinct tokens a document is found by: morphemes, and the compounds they form.

    "역삼1동 주민자치회가 열렸습니다" → 역삼, 1, 동, 역삼1동, 역삼동, 주민, 자치회,
    주민자치회, 열리. Empty when analysis is off.
    """
    if not enabled() or not text.strip():
        return []
    terms: dict[str, None] = {}
    for word in _words(text):
        terms.update(dict.fromkeys(word.parts))
        if len(word.compound) > 1:
            terms[word.compound] = None
            # "역삼1동" is also "역삼동": residents write the dong without its number.
            if match := _DONG_NUMBER.match(word.compound):
                terms[match[1] + match[2]] = None
    return list(terms)


def analyse_query(words: list[str]) -> list[Word]:
    """Each query word with its morphemes (none when analysis is off)."""
    if not enabled():
        return [Word(w, (), "") for w in words]
    return _words(" ".join(words))


def bigrams(text: str) -> list[str]:
    """Distinct two-character pieces of each word of `text`, lower-cased.

    A word of the query can only occur in a text that holds all its bigrams:
    an index over them narrows a substring search for two-syllable words,
    which trigrams cannot.
    """
    grams: dict[str, None] = {}
    for chunk in text.lower().split():
        for i in range(len(chunk) - 1):
            grams[chunk[i : i + 2]] = None
    return list(grams)
