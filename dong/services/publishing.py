"""How an association publishes: directly, or "review before publish" by District staff."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from district import roles
from dong import permissions
from dong.models import DongPage

REVIEW_WORKFLOW_NAME = "District review"


def _review_workflow() -> Workflow:
    workflow, _created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME)
    if not workflow.workflow_tasks.exists():
        task, _created = GroupApprovalTask.objects.get_or_create(
            name="District staff approval"
        )
        task.groups.set([Group.objects.get(name=roles.STAFF_GROUP_NAME)])
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
    if not roles.is_district_staff(actor):
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
