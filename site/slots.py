"""Places in a lower layer's pages that higher apps fill, through Wagtail's hooks.

The kernel's home page, an association's page and a forum board's page show
things that belong to apps above them (upcoming events, boards, open
proposals). Those apps register a hook named `slot_hook("<slot>")` in their
`wagtail_hooks.py` (Wagtail's own registration mechanism; `order=` sorts the
sections); the page's template says `{% slot "<slot>" key=value %}` (kernel
tag library `dongne`) and renders whatever is registered, in order. Nothing
below imports anything above.

A hook is `fn(context, **kwargs) -> str`: it renders its own template with
`render_section` (which shares the page's context, so context processors run
once) and returns "" when it has nothing to show.
"""

from django.template import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks


def slot_hook(slot: str) -> str:
    return f"dongne_slot_{slot}"


def render_slot(slot: str, context: Context, **kwargs) -> SafeString:
    parts = [fn(context, **kwargs) for fn in hooks.get_hooks(slot_hook(slot))]
    return mark_safe("".join(conditional_escape(part) for part in parts if part))


def render_section(context: Context, template_name: str, values: dict) -> SafeString:
    """Render `template_name` inside the page's context with `values` added (as `{% include %}` does)."""
    template = context.template.engine.get_template(template_name)
    with context.push(**values):
        return template.render(context)
