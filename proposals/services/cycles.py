"""A cycle's life: created (admin, demo), a phase closed early with a reason."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from district import live
from proposals import permissions
from proposals.models import (
    PHASE_FIELDS,
    Cycle,
    CycleAction,
    CycleHistory,
    Phase,
    today,
)
from proposals.services.common import clean_reason


@live.atomic
def cycle_create(*, actor: AbstractUser | None, cycle: Cycle) -> Cycle:
    """Save a new cycle (validated) and note who created it; leaders only for their own association."""
    if actor is not None and not permissions.can_manage_cycle(actor, cycle):
        raise PermissionDenied
    cycle.full_clean()
    cycle.save()
    CycleHistory.objects.create(cycle=cycle, action=CycleAction.CREATED, actor=actor)
    return cycle


@live.atomic
def cycle_phase_close(*, actor: AbstractUser, cycle: Cycle, reason: str) -> Cycle:
    """End the current phase today: the next one starts now. The reason is kept in the cycle's history.

    The next phase's start date becomes today (Seoul); the later dates were
    after it already, so the phases stay in order.
    """
    cycle = (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("dong")
        .get(pk=cycle.pk)
    )
    if not permissions.can_close_phase(actor, cycle):
        raise PermissionDenied
    reason = clean_reason(reason)
    phase = cycle.phase
    day = today()
    if phase == Phase.PROPOSING and cycle.proposing_from >= day:
        raise ValidationError(_("A phase that started today cannot be closed today."))
    setattr(cycle, PHASE_FIELDS[cycle.next_phase(phase)], day)
    cycle.save()
    CycleHistory.objects.create(
        cycle=cycle,
        action=CycleAction.PHASE_CLOSED,
        phase=phase,
        reason=reason,
        actor=actor,
    )
    live.publish(
        cycle.topic, "cycle.phase_changed", {"cycle_id": cycle.pk, "phase": cycle.phase}
    )
    return cycle
