"""The apps form layers (district ← dong ← forums ← events ← votes ← proposals).

import-linter (`make lint`) checks Python imports. These tests check the
references it cannot see: relations between models (string foreign keys),
Wagtail's page-type rules, `apps.get_model`, and templates that load a tag
library or include a template of an app above their own.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.template import engines
from wagtail.models import get_page_models

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["district", "dong", "forums", "events", "votes", "proposals"]
FOLDERS = {"district": "site"}
# Templates outside an app's folder belong to the kernel (the shell, accounts).
KERNEL_TEMPLATE_FOLDERS = {"account", "allauth", "district", "wagtailadmin"}


def layer(label: str) -> int | None:
    return LAYERS.index(label) if label in LAYERS else None


def _our_models():
    return [m for m in apps.get_models() if layer(m._meta.app_label) is not None]


def test_no_model_refers_to_a_model_of_a_higher_app():
    back_edges = []
    for model in _our_models():
        own = layer(model._meta.app_label)
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or not field.related_model:
                continue
            target = layer(field.related_model._meta.app_label)
            if target is not None and target > own:
                back_edges.append(
                    f"{model._meta.label}.{field.name} → {field.related_model._meta.label}"
                )
    assert back_edges == []


def test_no_page_type_names_a_page_type_of_a_higher_app():
    back_edges = []
    for model in get_page_models():
        own = layer(model._meta.app_label)
        if own is None:
            continue
        for rule in ("parent_page_types", "subpage_types"):
            for name in getattr(model, rule, None) or ():
                label = (
                    name.split(".")[0]
                    if isinstance(name, str)
                    else name._meta.app_label
                )
                target = layer(label)
                if target is not None and target > own:
                    back_edges.append(f"{model._meta.label}.{rule} → {name}")
    assert back_edges == []


def _sources(label: str) -> list[Path]:
    folder = ROOT / FOLDERS.get(label, label)
    return [p for p in folder.rglob("*.py") if "migrations" not in p.parts]


def test_no_code_looks_up_a_model_of_a_higher_app_by_name():
    pattern = re.compile(r"""get_model\(\s*["'](\w+)""")
    back_edges = []
    for label in LAYERS:
        for path in _sources(label):
            for target in pattern.findall(path.read_text()):
                if (layer(target) or -1) > layer(label):
                    back_edges.append(f"{path.relative_to(ROOT)} → {target}")
    assert back_edges == []


def _template_owner(path: Path) -> str:
    first = path.relative_to(ROOT / "templates").parts[0]
    return first if first in LAYERS else "district"


def test_no_template_loads_tags_or_includes_templates_of_a_higher_app():
    owner_of_library = {
        name: module.split(".")[0]
        for name, module in engines["django"].engine.libraries.items()
    }
    assert owner_of_library["dongne"] == "district"
    load = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
    include = re.compile(r"""{%\s*(?:include|extends)\s+["'](\w+)/""")
    back_edges = []
    for path in (ROOT / "templates").rglob("*.html"):
        own = layer(_template_owner(path))
        text = path.read_text()
        for names in load.findall(text):
            for name in names.split():
                target = layer(owner_of_library.get(name, ""))
                if target is not None and target > own:
                    back_edges.append(f"{path.relative_to(ROOT)} loads {name}")
        for folder in include.findall(text):
            target = layer(folder)
            if target is not None and target > own:
                back_edges.append(f"{path.relative_to(ROOT)} includes {folder}/…")
    assert back_edges == []


@pytest.mark.parametrize("label", LAYERS)
def test_every_layer_is_an_installed_app(label):
    assert apps.is_installed(label)


def test_no_module_imports_itself_through_others():
    """No file-level import circles (a module that needs a function-level import to load is one)."""
    import grimp

    graph = grimp.build_graph(*LAYERS)
    in_cycles = []
    for module in sorted(graph.modules):
        seen, stack = set(), [module]
        while stack:
            for imported in graph.find_modules_directly_imported_by(stack.pop()):
                if imported == module:
                    in_cycles.append(module)
                    stack = []
                    break
                if imported not in seen:
                    seen.add(imported)
                    stack.append(imported)
    assert in_cycles == []
