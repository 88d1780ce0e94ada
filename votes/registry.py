"""The seam through which higher apps (proposals) offer ballot items and hear certified results.

votes never imports the apps that register here: they call ``register_item_source`` and
``register_result_handler`` from their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from votes.models import Ballot


@dataclass(frozen=True)
class ItemChoice:
    """Something a leader may put on a ballot as an item."""

    key: str  # stable source key, e.g. "proposal:42"
    title: str
    summary: str  # plain text, may be ""
    url: str  # where residents read more ("" if none)


@dataclass(frozen=True)
class ItemResult:
    """One item's certified outcome, handed to result handlers."""

    ballot_id: int
    item_id: int
    source_key: str  # "" for items typed by a leader
    title: str
    selected: bool  # passed (yes/no question) or among the winners (choice question)
    votes: int  # yes votes, or picks; points for a ranked question
    summary: (
        str  # e.g. "312 of 540 valid votes" in the certifier's language; plain text
    )


_item_sources: dict[str, Callable[[Ballot], list[ItemChoice]]] = {}
_result_handlers: list[Callable[[list[ItemResult]], None]] = []


def register_item_source(
    name: str, source: Callable[[Ballot], list[ItemChoice]]
) -> None:
    """Register (or replace, by name) a source of items a leader may pick for a ballot."""
    _item_sources[name] = source


def item_choices(ballot: Ballot) -> list[ItemChoice]:
    """All registered sources' items for the ballot's association, in registration order."""
    choices: list[ItemChoice] = []
    for source in _item_sources.values():
        choices.extend(source(ballot))
    return choices


def register_result_handler(handler: Callable[[list[ItemResult]], None]) -> None:
    """Register a handler called with a ballot's ItemResults inside the certify transaction.

    A handler's writes commit (or roll back) with the certification. Registering the
    same handler twice has no effect.
    """
    if handler not in _result_handlers:
        _result_handlers.append(handler)


def result_handlers() -> list[Callable[[list[ItemResult]], None]]:
    return list(_result_handlers)
