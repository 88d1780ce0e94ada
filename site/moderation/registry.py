"""What the kernel needs to know about an appealable thing, registered by the app that owns it.

Forums registers its moderation-log entries; the kernel registers sanctions.
The kernel never imports the apps: it asks the handler.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class AppealHandler:
    key: str  # the URL's name for the kind: "action", "sanction"
    model: type[Model]
    author_id: Callable[[Any], int | None]  # whom the action was against
    acted_by_id: Callable[[Any], int | None]  # who acted (never decides the appeal)
    acted_at: Callable[[Any], datetime]
    reason_code: Callable[[Any], str]
    reason_text: Callable[[Any], str]
    association: Callable[[Any], Any]  # an association's Page, or None (district-wide)
    summary: Callable[[Any], str]
    label: Callable[[Any], str]  # what was done, in the active language ("Hidden")
    appealable: Callable[[Any], bool]  # a kind that can be appealed and undone
    may_decide: Callable[
        [Any, Any], bool
    ]  # (user, target): the role, before "not the one who acted"
    reviewers: Callable[[Any], QuerySet]  # who is told of a new appeal
    reverse: Callable[..., None]  # (decider=, target=, reason=): undo the action
    content_url: Callable[[Any], str]  # where the author sees the content ("" if gone)


_HANDLERS: dict[str, AppealHandler] = {}


def register_appeal_handler(handler: AppealHandler) -> None:
    _HANDLERS[handler.key] = handler


def handler_for_key(key: str) -> AppealHandler | None:
    return _HANDLERS.get(key)


def handler_for(obj_or_model: Any) -> AppealHandler:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for handler in _HANDLERS.values():
        if handler.model is model or issubclass(model, handler.model):
            return handler
    raise LookupError(f"no appeal handler for {model!r}")


# The transparency report's counts of actions: each app that acts on content
# registers a function returning rows of
# {"at": datetime, "association_id": int | None, "reason_code": str}.
_ACTION_SOURCES: list[Callable[[datetime, datetime], list[dict]]] = []


def register_action_source(source: Callable[[datetime, datetime], list[dict]]) -> None:
    if source not in _ACTION_SOURCES:
        _ACTION_SOURCES.append(source)


def action_sources() -> list[Callable[[datetime, datetime], list[dict]]]:
    return list(_ACTION_SOURCES)
