"""Site search that works for Korean as people type it, over sources the apps register.

Wagtail's database backend indexes pages, forum threads and posts (and
whatever else an app marks `index.Indexed`) into its IndexEntry table. Its
PostgreSQL full-text search splits words on spaces and does not segment
Korean, so "자치" would not find "주민자치회". We search the plain-text columns
of that same index with case-insensitive substring matching (every word of
the query must occur), which finds infixes on SQLite and PostgreSQL alike.

The kernel knows no app. Each app that wants its content found registers a
source from its AppConfig.ready(): the model, what a reader may see of it (a
queryset, loaded with what `describe` needs), how to narrow it to one
association, and how to describe a hit as a `Result`. One app (dong) also
registers the association choices of the filter. Visibility and the
association are checked inside the one SQL statement that finds the hits,
before the cap: on a large index, hidden or other-association matches can no
longer crowd visible ones out of the capped rows. Only the page of hits being
shown is described (one query per source on that page).

Index and query agree (PostgreSQL). Django's `icontains` compiles to
`UPPER(col::text) LIKE UPPER(%s)`, which a pg_trgm index on the raw column
cannot serve: over 20,000 indexed posts, even with sequential scans off,
EXPLAIN gave `Seq Scan on wagtailsearch_indexentry` / `Filter:
((upper(title_text) ~~ '%주민자치%'::text) OR (upper(body_text) ~~ ...))`, so
migration 0004's indexes were never used. The query now says `ILIKE`
(`_IContains` below), which `gin_trgm_ops` serves: `Bitmap Index Scan on
modelsearch_body_text_trgm` / `Index Cond: (body_text ~~* '%총회장소%'::text)`,
2.4 ms for a rare term over those 20,000 entries; a term that most entries
hold is still read by a sequential scan, as it should be
(tests/site/test_search.py asserts that the index can serve the query). We keep the indexes and migration 0005 gives them
the names Wagtail's search backend gives its own (`manage.py enable_trigram`,
for its fuzzy search) on the same columns, so there is one set, used by both,
never two. A trigram needs three characters: a one- or two-syllable term
(자치) cannot narrow the index and is matched by scanning it.
"""

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, models
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import IContains, Lookup
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search.models import IndexEntry

from district import korean

MAX_TERMS = 5
LIMIT = 500
# How many of the newest matches are ranked to choose the LIMIT shown (`matching`).
RANK_WINDOW = 4 * LIMIT

AnyUser = User | AnonymousUser
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class DongChoice:
    """One association in the search filter: `slug` in the address, `name` shown, its page in the tree."""

    slug: str
    name: str
    page_id: int
    path: str


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    kind: str
    snippet: SafeString
    dong: str


@dataclass(frozen=True)
class Match:
    """What the index holds for one hit, and the words the reader searched for."""

    terms: tuple[str, ...]
    title: str
    body: str

    def snippet(self, text: str | None = None) -> SafeString:
        """`text` (else the indexed body, else the indexed title) around the first match, terms marked."""
        return highlight(
            text if text is not None else self.body or self.title, self.terms
        )


@dataclass(frozen=True)
class SearchSource(Generic[M]):
    """How one model's index entries become results.

    `visible(reader)`: the rows this reader may find, with what `describe` reads
    (select_related, annotations); it runs inside the search's own statement, so
    it must be a filter the database can answer. `dong(choice)`: the rows that
    belong to that association. `describe(obj, match)`: the result shown.
    Keys must be integers (the index stores them as text).
    """

    model: type[M]
    visible: Callable[[AnyUser], QuerySet[M]]
    dong: Callable[[DongChoice], Q]
    describe: Callable[[M, Match], Result]


@dataclass(frozen=True)
class Hit:
    source: SearchSource[Any]
    object_id: int
    match: Match


_sources: list[SearchSource[Any]] = []
_dong_choices: list[Callable[[], Sequence[DongChoice]]] = []
_demotions: dict[type[models.Model], Callable[[], QuerySet[Any]]] = {}


def register_search_source(
    model: type[M],
    *,
    visible: Callable[[AnyUser], QuerySet[M]],
    dong: Callable[[DongChoice], Q],
    describe: Callable[[M, Match], Result],
) -> None:
    """Make `model`'s index entries searchable (call from AppConfig.ready(); once per model)."""
    if not isinstance(model._meta.pk, models.IntegerField):
        raise TypeError(f"{model.__name__}: search sources need integer keys")
    _sources[:] = [s for s in _sources if s.model is not model]
    _sources.append(SearchSource(model, visible, dong, describe))


def register_search_demotion(model: type[M], rows: Callable[[], QuerySet[M]]) -> None:
    """Rank `rows()` of `model` after every other hit (call from AppConfig.ready()).

    For copies made automatically (the discussion thread an app opens for
    its own item, an event or a proposal, repeats that item's title and text,
    and the item has its own result) and for items no longer current (a
    withdrawn proposal). Another app may register for a lower app's model; a
    model's registrations are combined.
    """
    previous = _demotions.get(model)
    _demotions[model] = (lambda: previous() | rows()) if previous else rows


def register_dong_choices(provider: Callable[[], Sequence[DongChoice]]) -> None:
    """The associations the reader may narrow a search to, in the order shown (one provider)."""
    _dong_choices[:] = [provider]


def dong_choices() -> list[DongChoice]:
    return [choice for provider in _dong_choices for choice in provider()]


def terms_of(query: str) -> tuple[str, ...]:
    return tuple(term for term in query.split() if term)[:MAX_TERMS]


def highlight(text: str, terms: Iterable[str], width: int = 160) -> SafeString:
    """A window of `text` around the first match, escaped, with every term in <mark>."""
    terms = list(terms)
    text = " ".join(text.split())
    lower = text.lower()
    first = min(
        (lower.find(t.lower()) for t in terms if lower.find(t.lower()) >= 0), default=0
    )
    start = max(0, first - width // 3)
    window = text[start : start + width]
    escaped = html.escape(window)
    for term in sorted(terms, key=len, reverse=True):
        escaped = re.sub(
            f"({re.escape(html.escape(term))})",
            r"<mark>\1</mark>",
            escaped,
            flags=re.IGNORECASE,
        )
    prefix = "… " if start else ""
    suffix = " …" if start + width < len(text) else ""
    return mark_safe(prefix + escaped + suffix)


class _IContains(IContains):
    """`icontains` that PostgreSQL writes as `col ILIKE '%term%'`: the form a pg_trgm GIN index serves."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


class _HasTokens(Lookup):
    """The space-separated `lhs` holds every token of `rhs` as a whole token.

    PostgreSQL: `string_to_array(lhs, ' ') @> ARRAY[...]`, which the GIN
    indexes of migration 0013 serve; elsewhere one `LIKE '% token %'` each.
    """

    lookup_name = "dongne_has_tokens"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        tokens = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"string_to_array({lhs}, ' ') @> %s::text[]", (*lhs_params, tokens)
        like = f"(' ' || {lhs} || ' ') LIKE %s ESCAPE '\\'"
        sql = " AND ".join([like] * len(tokens))
        params: list[Any] = []
        for token in tokens:
            params += [*lhs_params, f"% {connection.ops.prep_for_like_query(token)} %"]
        return f"({sql})", params


def _columns() -> tuple[str, str]:
    """The index's plain-text columns (PostgreSQL keeps tsvectors under the plain names)."""
    if connection.vendor == "postgresql":
        return "title_text", "body_text"
    return "title", "body"


def _all_terms_in(column: str, terms: Sequence[str]) -> Q:
    return Q(*(_IContains(F(column), term) for term in terms))


def _substring(word: str, title: str, body: str) -> Q:
    return _IContains(F(title), word) | _IContains(F(body), word)


def _tokens(tokens: Sequence[str], column: str = "dongne_terms__terms") -> Q:
    return Q(_HasTokens(F(column), tokens))


@dataclass(frozen=True)
class _WordMatch:
    """One query word: when an entry matches it, when by morphemes, and a necessary condition on its terms row."""

    found: Q
    analysed: Q | None
    candidates: Q | None


def _word_matches(word: korean.Word, title: str, body: str) -> _WordMatch:
    """When a document matches one query word.

    A word matches as typed (a substring: "자치" in "주민자치회"), or by
    morphemes: its morphemes are all tokens of the document ("회의를" → 회의;
    "정기회의" → 정기, 회의, also when written "정기 회의"), or its compound
    is ("벼룩시장에" → 벼룩시장), or its morphemes all occur as substrings
    (a particle on part of a word: "자치를" → 자치). `candidates`: what the
    entry's `SearchTerms` row must hold for any of these (a substring's
    bigrams, the tokens), so that PostgreSQL can start from the GIN indexes;
    None for a one-character word, which bigrams cannot narrow.
    """
    found = _substring(word.text, title, body)
    grams = korean.bigrams(word.text)
    candidates = _tokens(grams, "grams") if grams else None
    analysed = Q()
    if word.parts:
        analysed |= _tokens(word.parts)
    if len(word.compound) > 1 and word.compound not in word.parts:
        analysed |= _tokens([word.compound])
    if not analysed:
        return _WordMatch(found, None, candidates)
    found |= analysed
    if candidates is not None:
        candidates |= _tokens(word.parts, "terms") if word.parts else Q()
        if len(word.compound) > 1:
            candidates |= _tokens([word.compound], "terms")
    if word.parts != (word.text.lower(),) and all(len(p) > 1 for p in word.parts):
        found |= Q(*(_substring(part, title, body) for part in word.parts))
        if candidates is not None:
            part_grams = [g for part in word.parts for g in korean.bigrams(part)]
            candidates |= _tokens(part_grams, "grams")
    return _WordMatch(found, analysed, candidates)


def _translated(words: Sequence[str], language: str) -> Q:
    """The object has a finished translation into `language` holding every word (in any of its fields)."""
    from district.models import Translation

    conditions = Q()
    for word in words:
        conditions &= Exists(
            Translation.objects.filter(
                content_type_id=OuterRef("content_type_id"),
                object_id=Cast(OuterRef("object_id"), models.BigIntegerField()),
                target_language=language,
                status=Translation.Status.DONE,
                text__icontains=word,
            )
        )
    return conditions


def _visible_entries(
    source: SearchSource[Any], reader: AnyUser, dong: DongChoice | None
) -> Q:
    rows = source.visible(reader)
    if dong is not None:
        rows = rows.filter(source.dong(dong))
    same_row = rows.filter(pk=Cast(OuterRef("object_id"), models.BigIntegerField()))
    return Q(
        content_type_id__in=get_descendants_content_types_pks(source.model)
    ) & Exists(same_row)


def _translation_language() -> str | None:
    """The interface language when search should also look in translations into it (not Korean)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language.split("-")[0] == settings.LANGUAGE_CODE.split("-")[0]:
        return None
    return language


def matching(
    terms: Sequence[str],
    *,
    reader: AnyUser,
    dong: DongChoice | None = None,
    limit: int = LIMIT,
    language: str | None = None,
) -> QuerySet[IndexEntry]:
    """Index rows matching every term that `reader` may see (in `dong`, if given), best first.

    A term matches as a substring or by its Korean morphemes (`_word_matches`);
    with `language` (not Korean), also in a finished translation into it.
    Copies registered with `register_search_demotion` come last; before them,
    entries whose title holds every term, then those found by morphemes
    rather than only as substrings, then the most recently indexed; at most
    `limit`, counted after visibility and association, chosen among the
    newest RANK_WINDOW matches.
    """
    from district.models import SearchTerms

    title, body = _columns()
    words = korean.analyse_query(list(terms))
    found = Q()
    by_morphemes = Q()
    candidates = Q()
    analysed_all = True
    for word in words:
        match = _word_matches(word, title, body)
        found &= match.found
        if match.analysed is None:
            analysed_all = False
        else:
            by_morphemes &= match.analysed
        if match.candidates is not None:
            candidates &= match.candidates
    if language:
        found |= _translated(terms, language)
    entries = IndexEntry.objects.filter(found)
    if korean.enabled() and candidates and connection.vendor == "postgresql":
        # Start from the GIN indexes over the terms: a necessary condition,
        # so the exact one above is checked on a few rows, not on all.
        narrowed = Q(pk__in=SearchTerms.objects.filter(candidates).values("entry_id"))
        if language:
            narrowed |= Q(
                pk__in=IndexEntry.objects.filter(_translated(terms, language)).values(
                    "pk"
                )
            )
        entries = entries.filter(narrowed)
    visible = Q()
    for source in _sources:
        visible |= _visible_entries(source, reader, dong)
    in_title = Case(
        When(_all_terms_in(title, terms), then=Value(1)),
        default=Value(0),
        output_field=models.IntegerField(),
    )
    analysed_rank = (
        Case(
            When(by_morphemes, then=Value(1)),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        if analysed_all and words
        else Value(0, output_field=models.IntegerField())
    )
    demoted = Q()
    for model, rows in _demotions.items():
        same_row = rows().filter(
            pk=Cast(OuterRef("object_id"), models.BigIntegerField())
        )
        demoted |= Q(
            content_type_id__in=get_descendants_content_types_pks(model)
        ) & Exists(same_row)
    is_demoted = (
        Case(
            When(demoted, then=Value(1)),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        if _demotions
        else Value(0, output_field=models.IntegerField())
    )
    # Only the newest RANK_WINDOW matches are ranked: a word most entries hold
    # would otherwise have every one of them ranked and sorted, a cost that
    # grows with the index (bench/scale.py). PostgreSQL can walk the index
    # backwards from the newest entry and stop at the window.
    window = max(RANK_WINDOW, limit)
    newest = entries.filter(visible).order_by("-pk").values("pk")[:window]
    return (
        IndexEntry.objects.filter(pk__in=newest)
        .annotate(in_title=in_title, analysed=analysed_rank, demoted=is_demoted)
        .order_by("demoted", "-in_title", "-analysed", "-pk")
        .values_list("content_type_id", "object_id", title, body)[:limit]
    )


def find(
    query: str,
    *,
    reader: AnyUser,
    dong: DongChoice | None = None,
    limit: int = LIMIT,
) -> list[Hit]:
    """What `matching` finds for the words of `query`, as hits to describe: one query.

    In an interface language other than Korean, content with a finished
    translation into that language holding the words is found too.
    """
    terms = terms_of(query)
    if not terms or not _sources:
        return []
    by_type = {
        type_id: source
        for source in _sources
        for type_id in get_descendants_content_types_pks(source.model)
    }
    rows = matching(
        terms,
        reader=reader,
        dong=dong,
        limit=limit,
        language=_translation_language(),
    )
    return [
        Hit(by_type[type_id], int(object_id), Match(terms, t or "", b or ""))
        for type_id, object_id, t, b in rows
        if type_id in by_type
    ]


def describe(hits: Sequence[Hit], *, reader: AnyUser) -> list[Result]:
    """Results for `hits`, in their order: one query per source among them."""
    ids: dict[SearchSource[Any], list[int]] = {}
    for hit in hits:
        ids.setdefault(hit.source, []).append(hit.object_id)
    loaded = {
        (source, obj.pk): obj
        for source, source_ids in ids.items()
        for obj in source.visible(reader).filter(pk__in=source_ids)
    }
    return [
        hit.source.describe(loaded[hit.source, hit.object_id], hit.match)
        for hit in hits
        if (hit.source, hit.object_id) in loaded
    ]


def search(
    query: str, *, reader: AnyUser, dong: DongChoice | None = None, limit: int = LIMIT
) -> list[Result]:
    """`find` and `describe` at once, for callers that show every result."""
    return describe(find(query, reader=reader, dong=dong, limit=limit), reader=reader)
