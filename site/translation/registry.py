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
    format: str = (
        "text"  # "text" (plain), "markdown" (residents' Markdown), "html" (rich text)
    )
    source: Callable[[models.Model], str] | None = (
        None  # the text, if not the attribute
    )
    prepare: Callable[[models.Model], str] | None = (
        None  # what is sent, if not the text
    )


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

    A field is a name (plain text), `(name, format)` with format "text",
    "markdown" or "html", or a `TranslatableField` whose `source(obj)` gives
    the text (a StreamField's blocks) and `prepare(obj)` what is sent (rich
    text with its links expanded). `topic(obj)` names the live topic a finished
    translation is announced on (None: the page polls instead). `can_read(request,
    obj)` says who may ask for and read the translation (default: anyone who can
    see the page it is on; pages with view restrictions are checked by default).
    """
    parsed = {}
    for spec in fields:
        if isinstance(spec, TranslatableField):
            parsed[spec.name] = spec
            continue
        name, fmt = (spec, "text") if isinstance(spec, str) else spec
        parsed[name] = TranslatableField(name, fmt)
    for spec in parsed.values():
        if spec.format not in FORMATS:
            raise ValueError(f"unknown translation format {spec.format!r}")
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
    """The text of one field as stored: what is hashed, and shown as the original."""
    spec = field_for(obj, name)
    if spec is not None and spec.source is not None:
        return spec.source(obj) or ""
    value = getattr(obj, name, "")
    if hasattr(value, "source"):  # a RichText value
        value = value.source
    return "" if value is None else str(value)


def text_to_send(obj, name: str) -> str:
    spec = field_for(obj, name)
    if spec is not None and spec.prepare is not None:
        return spec.prepare(obj) or ""
    return source_text(obj, name)


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def object_key(content_type_id: int, object_id: int, name: str) -> str:
    """How a page and the live messages name one field of one object: `12.345.body`."""
    return f"{content_type_id}.{object_id}.{name}"
