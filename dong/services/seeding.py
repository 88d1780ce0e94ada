"""Seeding the district from its data file: the home page, the associations (created, renamed, re-coded), their groups, collections and permissions."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import (
    Collection,
    Page,
    Site,
    WorkflowPage,
)

from district import roles
from district.models import DistrictHomePage
from dong import permissions
from dong.district_file import DongEntry
from dong.models import DongPage, MinutesIndexPage, NoticeIndexPage

Progress = Callable[[int, int, str], None]

# An association's own addresses outside the page tree (URL name, extra arguments):
# when its slug changes, the old ones redirect to the new ones.
DONG_ADDRESSES: tuple[tuple[str, dict[str, str]], ...] = (
    ("dong_feed", {}),
    ("dong_atom", {}),
    ("dong_export", {"fmt": "csv"}),
    ("dong_export", {"fmt": "json"}),
)


@dataclass(frozen=True)
class DongRenamed:
    """An association whose address or names changed in this seeding, with what they were.

    Apps above `dong` (forum boards) carry the change into what they derived
    from the old values; the seeding command hands them this list.
    """

    page: DongPage
    old_slug: str
    old_title: str
    old_name_en: str


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    renamed: list[DongRenamed] = field(default_factory=list)


class DistrictSeedError(ValueError):
    """The file is well formed but cannot be applied to the associations already seeded."""


def _publish(page: Page) -> None:
    page.save_revision(log_action=True).publish()


def redirect_ensure(
    *, old_path: str, target: Page | str, site_id: int | None = None
) -> Redirect:
    """A permanent redirect from an address that moved (Wagtail's redirects app), created or re-pointed.

    `target` is a page (the redirect follows it if it moves again) or a path.
    """
    is_page = isinstance(target, Page)
    redirect, _created = Redirect.objects.update_or_create(
        old_path=Redirect.normalise_path(old_path),
        site_id=site_id,
        defaults={
            "is_permanent": True,
            "redirect_page": target if is_page else None,
            "redirect_page_route_path": "",
            "redirect_link": "" if is_page else target,
        },
    )
    return redirect


def home_ensure(*, title: str, title_en: str) -> DistrictHomePage:
    """The single home page, made the default Site's root (creating the Site if needed).

    Wagtail's initial welcome page is removed only after the Site points at the
    new home page: deleting a Site's root page deletes the Site with it.
    """
    home = DistrictHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = DistrictHomePage(
            title=title, slug="district", seo_title=f"{title} · {title_en}"
        )
        root.add_child(instance=home)
        _publish(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=title,
        )
    elif site.root_page_id != home.pk:
        previous_root = site.root_page
        site.root_page = home
        site.site_name = title
        site.save()
        if (
            type(previous_root.specific) is Page
            and previous_root.depth == 2
            and not previous_root.get_children()
        ):
            previous_root.delete()
    return home


def _remove_wagtail_defaults() -> None:
    """Wagtail's first migration adds "Editors" and "Moderators" groups with rights on the whole
    tree and assigns its "Moderators approval" workflow to the root. Our roles replace them; the
    groups are removed only while nobody is in them."""
    WorkflowPage.objects.filter(page__depth=1).delete()
    Group.objects.filter(name__in=("Editors", "Moderators"), user__isnull=True).delete()


def _staff_group(home: DistrictHomePage) -> Group:
    group, _created = Group.objects.get_or_create(name=roles.STAFF_GROUP_NAME)
    permissions.grant_page_permissions(group, home, permissions.STAFF_PAGE_PERMISSIONS)
    permissions.grant_collection_permissions(group, Collection.get_first_root_node())
    permissions.grant_model_permissions(group, permissions.STAFF_MODEL_PERMISSIONS)
    return group


def _collection(name: str, existing: Collection | None) -> Collection:
    if existing is not None:
        if existing.name != name:
            existing.name = name
            existing.save()
        return existing
    root = Collection.get_first_root_node()
    in_use = DongPage.objects.exclude(collection=None).values("collection")
    found = root.get_children().filter(name=name).exclude(pk__in=in_use).first()
    return found or root.add_child(name=name)


def _leaders_group(name: str, existing: Group | None) -> Group:
    if existing is not None:
        if existing.name != name:
            existing.name = name
            existing.save()
        return existing
    group, _created = Group.objects.get_or_create(name=name)
    return group


Plan = list[tuple[DongEntry, DongPage | None]]


def _plan(entries: Sequence[DongEntry]) -> Plan:
    """Match each row to the association it describes, and refuse what would merge two of them.

    The slug is an association's identity (or its `previous_slug` for a
    rename). The code is not: the national data re-assigns codes, and one
    association's new code is often another's old one. A code or group name
    still held by an association the file does not list (or a group name held
    by a group that is no association's) would be taken from its holder, so it
    is refused before anything is written.
    """
    pages = list(DongPage.objects.select_related("leaders_group"))
    by_slug = {page.slug: page for page in pages}
    plan: Plan = []
    for entry in entries:
        page = by_slug.get(entry.slug)
        previous = by_slug.get(entry.previous_slug) if entry.previous_slug else None
        if page is not None and previous is not None:
            raise DistrictSeedError(
                _(
                    "/%(slug)s/ and its previous address /%(previous)s/ are two separate "
                    "associations; merge them by hand before seeding."
                )
                % {"slug": entry.slug, "previous": entry.previous_slug}
            )
        plan.append((entry, page or previous))

    home = DistrictHomePage.objects.first()
    wanted_slugs = [entry.slug for entry, _page in plan]
    if home is not None:
        other = (
            home.get_children()
            .exclude(pk__in=[page.pk for page in pages])
            .filter(slug__in=wanted_slugs)
            .first()
        )
        if other is not None:
            raise DistrictSeedError(
                _("The address /%(slug)s/ is already the page “%(title)s”.")
                % {"slug": other.slug, "title": other.title}
            )

    matched = {page.pk for _entry, page in plan if page is not None}
    unlisted = [page for page in pages if page.pk not in matched]
    renamed_groups = {
        permissions.leaders_group_name(entry.name_ko): page
        for entry, page in plan
        if page is not None
        and page.leaders_group is not None
        and page.leaders_group.name != permissions.leaders_group_name(entry.name_ko)
    }
    page_groups = {page.leaders_group_id for page in pages}
    clashing_groups = set(
        Group.objects.filter(name__in=renamed_groups)
        .exclude(pk__in=[pk for pk in page_groups if pk])
        .values_list("name", flat=True)
    )
    for entry, page in plan:
        group_name = permissions.leaders_group_name(entry.name_ko)
        if group_name in clashing_groups and renamed_groups[group_name] is page:
            raise DistrictSeedError(
                _(
                    "A group named “%(group)s” already exists: rename or remove it before "
                    "renaming %(name)s (/%(slug)s/)."
                )
                % {"group": group_name, "name": page.title, "slug": page.slug}
            )
        for other in unlisted:
            if other.code == entry.code:
                taken = _("code %(code)s") % {"code": entry.code}
            elif other.leaders_group and other.leaders_group.name == group_name:
                taken = _("the group “%(group)s”") % {"group": group_name}
            else:
                continue
            raise DistrictSeedError(
                _(
                    "%(taken)s, which the file gives to %(name)s (/%(slug)s/), belongs to "
                    "%(other)s (/%(other_slug)s/), which the file does not list. List that "
                    "association too, with its new code, or mark a rename with previous_slug."
                )
                % {
                    "taken": taken,
                    "name": entry.name_ko,
                    "slug": entry.slug,
                    "other": other.title,
                    "other_slug": other.slug,
                }
            )
    return plan


def _park_moving_values(plan: Plan) -> None:
    """Codes and group names move between associations (A takes B's old code while B takes C's):
    those about to change are first set aside on placeholders, so no step of the update
    breaks a unique constraint, whatever the order of the rows. Only rows changed here."""
    for entry, page in plan:
        if page is None:
            continue
        if page.code != entry.code:
            DongPage.objects.filter(pk=page.pk).update(code=f"_moving_{page.pk}")
        group = page.leaders_group
        if group and group.name != permissions.leaders_group_name(entry.name_ko):
            Group.objects.filter(pk=group.pk).update(name=f"_moving_{group.pk}")


def _addresses(page: DongPage) -> dict[int, tuple[int, str]]:
    """Where the page and its live descendants answer: {page id: (site id, path)}."""
    found = {}
    for each in [page, *page.get_descendants().live().specific()]:
        parts = each.get_url_parts()
        if parts and parts[2]:
            found[each.pk] = (parts[0], parts[2])
    return found


def _redirect_old_addresses(
    page: DongPage, old_slug: str, old_addresses: dict[int, tuple[int, str]]
) -> None:
    """After a slug change every old address of the association answers a permanent redirect:
    its pages (to the page itself, so the redirect follows later moves) and its feeds and
    open-data files."""
    pages = {each.pk: each for each in Page.objects.filter(pk__in=old_addresses)}
    for pk, (site_id, old_path) in old_addresses.items():
        if pk in pages:
            redirect_ensure(old_path=old_path, target=pages[pk], site_id=site_id)
    for name, kwargs in DONG_ADDRESSES:
        redirect_ensure(
            old_path=reverse(name, kwargs={"slug": old_slug, **kwargs}),
            target=reverse(name, kwargs={"slug": page.slug, **kwargs}),
        )


def _dong_page_update(page: DongPage, entry: DongEntry, report: SeedReport) -> None:
    old_slug, old_title, old_name_en = page.slug, page.title, page.name_en
    old_addresses = _addresses(page) if page.slug != entry.slug else {}
    wanted = {
        "code": entry.code,
        "slug": entry.slug,
        "title": entry.name_ko,
        "name_en": entry.name_en,
        "population": entry.population,
        "leaders_group": _leaders_group(
            permissions.leaders_group_name(entry.name_ko), page.leaders_group
        ),
        "collection": _collection(entry.name_ko, page.collection),
    }
    if any(getattr(page, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(page, name, value)
        _publish(page)
        if old_addresses:
            page.refresh_from_db()  # publishing saved a copy: take its new url_path
        report.updated.append(entry.name_ko)
    else:
        report.unchanged.append(entry.name_ko)
    if (page.slug, page.title, page.name_en) != (old_slug, old_title, old_name_en):
        report.renamed.append(DongRenamed(page, old_slug, old_title, old_name_en))
    if old_addresses:
        _redirect_old_addresses(page, old_slug, old_addresses)


def _dong_page_create(
    home: DistrictHomePage, entry: DongEntry, report: SeedReport
) -> DongPage:
    page = DongPage(
        code=entry.code,
        slug=entry.slug,
        title=entry.name_ko,
        name_en=entry.name_en,
        population=entry.population,
        leaders_group=_leaders_group(
            permissions.leaders_group_name(entry.name_ko), None
        ),
        collection=_collection(entry.name_ko, None),
    )
    home.add_child(instance=page)
    _publish(page)
    report.created.append(entry.name_ko)
    return page


def _sections(page: DongPage) -> None:
    """Every association gets its notice list and minutes list (created once, then the leaders' to edit)."""
    children = page.get_children()
    if not children.type(NoticeIndexPage).exists():
        index = NoticeIndexPage(title="소식", slug="notices")
        page.add_child(instance=index)
        _publish(index)
    if not children.type(MinutesIndexPage).exists():
        index = MinutesIndexPage(title="회의록", slug="minutes")
        page.add_child(instance=index)
        _publish(index)


@transaction.atomic
def district_seed(
    *,
    entries: Sequence[DongEntry],
    title: str,
    title_en: str,
    progress: Progress | None = None,
) -> SeedReport:
    """Create or update the home page, the Site, and one association per entry, idempotently.

    Each association gets its page, a leaders' group with page permissions on
    that page's subtree only, and a collection for its images and documents.
    A row finds its association by slug, or by `previous_slug` when the
    district renamed it: the page (same id, subtree, revisions), group and
    collection are renamed in place and the old addresses redirect
    permanently to the new ones. Codes are updated in whatever order the
    file gives. Associations missing from `entries` are left as they are:
    content is never deleted by seeding. Raises DistrictSeedError, before
    writing anything, when the file cannot be applied (see `_plan`).
    """
    plan = _plan(entries)
    report = SeedReport()
    home = home_ensure(title=title, title_en=title_en)
    _remove_wagtail_defaults()
    _staff_group(home)
    _park_moving_values(plan)
    # Existing associations first, so a new one never picks up a name or code
    # that an existing one is giving up in this same file.
    ordered = [row for row in plan if row[1] is not None]
    ordered += [row for row in plan if row[1] is None]
    for number, (entry, page) in enumerate(ordered, start=1):
        if progress:
            progress(number, len(ordered), entry.name_ko)
        if page is None:
            page = _dong_page_create(home, entry, report)
        else:
            _dong_page_update(page, entry, report)
        _sections(page)
        permissions.grant_page_permissions(
            page.leaders_group, page, permissions.LEADER_PAGE_PERMISSIONS
        )
        permissions.grant_collection_permissions(page.leaders_group, page.collection)
        permissions.grant_model_permissions(
            page.leaders_group, (("wagtailadmin", "access_admin"),)
        )
    return report
