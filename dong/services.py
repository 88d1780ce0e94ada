"""Writes that build the district: the home page, the associations, their groups and permissions."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from district.models import DistrictHomePage
from dong import permissions
from dong.district_file import DongEntry
from dong.models import DongPage, MinutesIndexPage, NoticeIndexPage

Progress = Callable[[int, int, str], None]


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _publish(page: Page) -> None:
    page.save_revision(log_action=True).publish()


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
    group, _created = Group.objects.get_or_create(name=permissions.STAFF_GROUP_NAME)
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
    found = root.get_children().filter(name=name).first()
    return found or root.add_child(name=name)


def _leaders_group(name: str, existing: Group | None) -> Group:
    if existing is not None:
        if existing.name != name:
            existing.name = name
            existing.save()
        return existing
    group, _created = Group.objects.get_or_create(name=name)
    return group


def _dong_page(
    home: DistrictHomePage, entry: DongEntry, report: SeedReport
) -> DongPage:
    page = DongPage.objects.filter(code=entry.code).first()
    group = _leaders_group(
        permissions.leaders_group_name(entry.name_ko),
        page.leaders_group if page else None,
    )
    collection = _collection(entry.name_ko, page.collection if page else None)
    wanted = {
        "slug": entry.slug,
        "title": entry.name_ko,
        "name_en": entry.name_en,
        "leaders_group": group,
        "collection": collection,
    }
    if page is None:
        page = DongPage(code=entry.code, **wanted)
        home.add_child(instance=page)
        _publish(page)
        report.created.append(entry.name_ko)
    elif any(getattr(page, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(page, name, value)
        _publish(page)
        report.updated.append(entry.name_ko)
    else:
        report.unchanged.append(entry.name_ko)
    _sections(page)
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
    Associations missing from `entries` are left as they are: content is never
    deleted by seeding.
    """
    report = SeedReport()
    home = home_ensure(title=title, title_en=title_en)
    _remove_wagtail_defaults()
    _staff_group(home)
    for number, entry in enumerate(entries, start=1):
        if progress:
            progress(number, len(entries), entry.name_ko)
        page = _dong_page(home, entry, report)
        permissions.grant_page_permissions(
            page.leaders_group, page, permissions.LEADER_PAGE_PERMISSIONS
        )
        permissions.grant_collection_permissions(page.leaders_group, page.collection)
        permissions.grant_model_permissions(
            page.leaders_group, (("wagtailadmin", "access_admin"),)
        )
    return report


REVIEW_WORKFLOW_NAME = "District review"


def _review_workflow() -> Workflow:
    workflow, _created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME)
    if not workflow.workflow_tasks.exists():
        task, _created = GroupApprovalTask.objects.get_or_create(
            name="District staff approval"
        )
        task.groups.set([Group.objects.get(name=permissions.STAFF_GROUP_NAME)])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


@transaction.atomic
def review_mode_set(*, actor, dong: DongPage, enabled: bool) -> None:
    """Switch an association between publishing directly and "review before publish".

    In review mode the District review workflow (approval by District staff) is
    assigned to the association's subtree and its leaders lose the publish
    permission there, so their "Publish" becomes "Submit to District review".
    Only district staff may switch.
    """
    if not permissions.is_district_staff(actor):
        raise PermissionDenied
    if enabled:
        WorkflowPage.objects.update_or_create(
            page=dong, defaults={"workflow": _review_workflow()}
        )
        GroupPagePermission.objects.filter(
            group=dong.leaders_group, page=dong, permission__codename="publish_page"
        ).delete()
    else:
        WorkflowPage.objects.filter(page=dong).delete()
        permissions.grant_page_permissions(dong.leaders_group, dong, ("publish_page",))
