"""Organisers' decisions: moving a proposal on, screening it, deciding it, carrying it out; and the ballot's results."""

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from district import live
from district.markup import render_markdown
from proposals import permissions
from proposals.models import ChangeKind, ProgressUpdate, Proposal, Status
from proposals.services.common import change_status, clean_reason, lock_proposal
from proposals.services.proposing import check_image, store_image

DECISIONS = (Status.SELECTED, Status.MERGED, Status.DECLINED)
PROGRESS_STATUSES = (
    Status.FUNDED,
    Status.IN_PROGRESS,
    Status.IMPLEMENTED,
    Status.ABANDONED,
)


@live.atomic
def proposal_advance(
    *, actor: AbstractUser, proposal: Proposal, reason: str
) -> Proposal:
    """Move a proposal below its threshold on to screening, with a public reason (organisers)."""
    proposal = lock_proposal(proposal)
    if not permissions.can_screen(actor, proposal):
        raise PermissionDenied
    if proposal.status != Status.SUBMITTED:
        raise ValidationError(_("This proposal is already in screening."))
    change_status(
        proposal, Status.SCREENING, kind=ChangeKind.DECISION, actor=actor, reason=reason
    )
    return proposal


@live.atomic
def proposal_screen(
    *,
    actor: AbstractUser,
    proposal: Proposal,
    department: str,
    cost_estimate: int | None,
    note: str,
    reason: str,
) -> Proposal:
    """Record a proposal's feasibility (department, cost estimate, legal or technical note): it is screened.

    To decline or merge it instead, organisers decide (`proposal_decide`).
    """
    proposal = lock_proposal(proposal)
    if not permissions.can_screen(actor, proposal):
        raise PermissionDenied
    if proposal.status != Status.SCREENING:
        raise ValidationError(
            _("Move the proposal on to screening first, with a reason.")
        )
    if cost_estimate is not None and cost_estimate < 0:
        raise ValidationError({"cost_estimate": _("A cost cannot be negative.")})
    if cost_estimate is not None and cost_estimate > proposal.cycle.budget * 10:
        raise ValidationError(
            {
                "cost_estimate": _(
                    "This cost is more than ten times the cycle's whole budget. Please check the amount."
                )
            }
        )
    proposal.department = department.strip()[:120]
    proposal.cost_estimate = cost_estimate
    proposal.feasibility_note = note.strip()
    if not proposal.department:
        raise ValidationError(
            {"department": _("Please name the department responsible.")}
        )
    change_status(
        proposal,
        Status.SCREENED,
        kind=ChangeKind.DECISION,
        actor=actor,
        reason=reason,
        params={"department": proposal.department},
    )
    return proposal


@live.atomic
def proposal_decide(
    *,
    actor: AbstractUser,
    proposal: Proposal,
    status: str,
    reason: str,
    merged_into: Proposal | None = None,
    minutes=None,
) -> Proposal:
    """Select (a meeting's decision, optionally with its minutes), merge into another proposal, or decline."""
    proposal = lock_proposal(proposal)
    if not permissions.can_decide(actor, proposal):
        raise PermissionDenied
    if status not in DECISIONS:
        raise ValidationError({"status": _("Please choose a decision.")})
    if status == Status.SELECTED and proposal.status != Status.SCREENED:
        raise ValidationError(
            {"status": _("Only a screened proposal can be selected.")}
        )
    params = {}
    if status == Status.MERGED:
        if (
            merged_into is None
            or merged_into.pk == proposal.pk
            or merged_into.cycle_id != proposal.cycle_id
            or not merged_into.is_public
        ):
            raise ValidationError(
                {
                    "merged_into": _(
                        "Please choose another public proposal of the same cycle to merge into."
                    )
                }
            )
        proposal.merged_into = merged_into
        params["merged_into"] = merged_into.pk
    if status == Status.SELECTED and minutes is not None:
        proposal.minutes = minutes
        params["minutes"] = minutes.pk
    change_status(
        proposal,
        status,
        kind=ChangeKind.DECISION,
        actor=actor,
        reason=reason,
        params=params,
    )
    return proposal


@live.atomic
def proposal_progress(
    *,
    actor: AbstractUser,
    proposal: Proposal,
    percent: int,
    text: str,
    on_date: date,
    status: str = "",
    reason: str = "",
    completed_on: date | None = None,
    photo: UploadedFile | None = None,
    photo_alt: str = "",
) -> ProgressUpdate:
    """Report how the work goes (percent, text, photo, date), optionally with a new status and its reason.

    "Implemented" needs a completion date and means 100%.
    """
    proposal = lock_proposal(proposal)
    if not permissions.can_update_progress(actor, proposal):
        raise PermissionDenied
    errors = {}
    if not 0 <= percent <= 100:
        errors["percent"] = _("Progress is a percentage between 0 and 100.")
    if len((text or "").strip()) < 2:
        errors["text"] = _("Please say what happened.")
    if status and status not in PROGRESS_STATUSES:
        errors["status"] = _("Please choose a status.")
    if status == Status.IMPLEMENTED and completed_on is None:
        errors["completed_on"] = _("Please give the date the work was completed.")
    if photo is not None and len(photo_alt.strip()) < 2:
        errors["photo_alt"] = _(
            "Please describe the photo for people who cannot see it."
        )
    if errors:
        raise ValidationError(errors)
    if status:
        clean_reason(reason)
    stored_photo = None
    if photo is not None:
        try:
            check_image(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.message_dict["images"]}) from None
        stored_photo = store_image(proposal.cycle, photo, photo_alt, actor)
    if status == Status.IMPLEMENTED:
        percent = 100
        proposal.completed_on = completed_on
    update = ProgressUpdate.objects.create(
        proposal=proposal,
        percent=percent,
        text=text.strip(),
        text_html=render_markdown(text.strip()),
        photo=stored_photo,
        photo_alt=photo_alt.strip()[:200],
        on_date=on_date,
        actor=actor,
    )
    proposal.progress = percent
    if status:
        change_status(
            proposal,
            status,
            kind=ChangeKind.DECISION,
            actor=actor,
            reason=reason,
            params={"percent": percent},
        )
    else:
        proposal.save(update_fields=["progress", "updated_at"])
        live.publish(
            proposal.topic,
            "proposal.progress",
            {"proposal_id": proposal.pk, "percent": percent},
        )
    return update
