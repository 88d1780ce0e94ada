"""Which fields of which models may be machine-translated, as their apps registered them."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.http import HttpRequest

FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True)
class TranslatableField:
    name: str
    format: str = "text"  # "text" (one line or plain), "markdown" (residents' Markdown), "html" (rich text)


@dataclass(frozen=True)
class Translatable:
    model: type[models.Model]
    fields: dict[str, TranslatableField]
    topic: Callable[[models.Model], str | None] | None = None
    can_read: Callable[[HttpRequest, models.Model], bool] | None = None
    extra: dict = field(default_factory=dict)


_registry: dict[str, Translatable] = {}


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def register_translatable(
    model: type[models.Model],
    fields: Iterable[str | tuple[str, str]],
    *,
    topic: Callable[[models.Model], str | None] | None = None,
    can_read: Callable[[HttpRequest, models.Model], bool] | None = None,
) -> None:
    """Declare `fields` of `model` translatable.

    A field is a name (plain text) or `(name, format)` with format "text",
    "markdown" or "html". `topic(obj)` names the live topic a finished
    translation is announced on (None: the page polls instead). `can_read(request,
    obj)` says who may ask for and read the translation (default: anyone who can
    see the page it is on; pages with view restrictions are checked by default).
    """
    parsed = {}
    for spec in fields:
        name, fmt = (spec, "text") if isinstance(spec, str) else spec
        if fmt not in FORMATS:
            raise ValueError(f"unknown translation format {fmt!r}")
        parsed[name] = TranslatableField(name, fmt)
    _registry[_label(model)] = Translatable(model, parsed, topic, can_read)


def registered(model_or_obj) -> Translatable | None:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    for klass in model.__mro__:
        meta = getattr(klass, "_meta", None)
        if meta is not None and not meta.abstract:
            entry = _registry.get(meta.label_lower)
            if entry is not None:
                return entry
    return None


def field_for(obj, name: str) -> TranslatableField | None:
    entry = registered(obj)
    return entry.fields.get(name) if entry else None


def enabled() -> bool:
    """A backend is configured: the controls are shown."""
    return bool(getattr(settings, "TRANSLATION_BACKEND", None))


def source_text(obj, name: str) -> str:
    value = getattr(obj, name, "")
    if hasattr(value, "source"):  # a RichText value
        value = value.source
    return "" if value is None else str(value)


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def object_key(content_type_id: int, object_id: int, name: str) -> str:
    """How a page and the live messages name one field of one object: `12.345.body`."""
    return f"{content_type_id}.{object_id}.{name}"
