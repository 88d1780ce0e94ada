"""Role × phase × action: who may do what with a proposal, in every phase (adhocracy4 style)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from proposals import permissions
from proposals.models import Phase, Status
from tests.proposals.conftest import make_proposal, set_phase

ROLES = (
    "anonymous",
    "resident",
    "author",
    "co_proposer",
    "leader",
    "other_leader",
    "facilitator",
    "staff",
)
SIGNED_IN = set(ROLES) - {"anonymous"}
ORGANISERS = {"leader", "staff"}
PROPOSERS = {"author", "co_proposer"}

# The rules, restated independently of permissions.py: (roles, phases).
EXPECTED = {
    "propose": (SIGNED_IN, {Phase.PROPOSING}),
    "edit": (PROPOSERS, {Phase.PROPOSING}),
    "withdraw": ({"author"}, set(Phase.values) - {Phase.CLOSED}),
    "support": (
        SIGNED_IN - PROPOSERS,
        {Phase.PROPOSING, Phase.SCREENING, Phase.DELIBERATION},
    ),
    "screen": (ORGANISERS, {Phase.PROPOSING, Phase.SCREENING, Phase.DELIBERATION}),
    "decide": (ORGANISERS, {Phase.SCREENING, Phase.DELIBERATION, Phase.SELECTION}),
    "update_progress": (ORGANISERS, {Phase.IMPLEMENTATION}),
}
# The status each action's proposal is in when it is asked.
STATUS_FOR = {
    "edit": Status.SUBMITTED,
    "withdraw": Status.SUBMITTED,
    "support": Status.SUBMITTED,
    "screen": Status.SUBMITTED,
    "decide": Status.SCREENED,
    "update_progress": Status.SELECTED,
}
CHECKS = {
    "edit": permissions.can_edit_proposal,
    "withdraw": permissions.can_withdraw_proposal,
    "support": permissions.can_support,
    "screen": permissions.can_screen,
    "decide": permissions.can_decide,
    "update_progress": permissions.can_update_progress,
}


@pytest.fixture
def people(make_user, author, resident, leader, other_leader, facilitator, staff):
    return {
        "anonymous": AnonymousUser(),
        "resident": resident,
        "author": author,
        "co_proposer": make_user(display_name="함께제안"),
        "leader": leader,
        "other_leader": other_leader,
        "facilitator": facilitator,
        "staff": staff,
    }


@pytest.mark.parametrize("phase", Phase.values)
def test_role_phase_action_matrix(people, cycle, phase):
    proposal = make_proposal(people["author"], cycle, co_proposer_names=["함께제안"])
    set_phase(cycle, phase)
    wrong = []
    for role, user in people.items():
        roles, phases = EXPECTED["propose"]
        if permissions.can_propose(user, cycle) != (role in roles and phase in phases):
            wrong.append(("propose", role))
        for action, check in CHECKS.items():
            proposal.status = STATUS_FOR[action]
            roles, phases = EXPECTED[action]
            allowed = role in roles and phase in phases
            fresh = (
                type(proposal).objects.select_related("cycle__dong").get(pk=proposal.pk)
            )
            fresh.status = STATUS_FOR[action]
            fresh.cycle = cycle
            if check(user, fresh) != allowed:
                wrong.append((action, role))
    assert wrong == []


def test_leader_cannot_manage_another_dongs_cycle(cycle, other_leader, leader, staff):
    assert permissions.can_manage_cycle(leader, cycle)
    assert permissions.can_manage_cycle(staff, cycle)
    assert not permissions.can_manage_cycle(other_leader, cycle)


def test_only_staff_manage_a_district_wide_cycle(leader, staff):
    from tests.proposals.conftest import make_cycle

    district_cycle = make_cycle(None)
    assert permissions.can_manage_cycle(staff, district_cycle)
    assert not permissions.can_manage_cycle(leader, district_cycle)


def test_a_draft_is_seen_by_its_proposers_only(people, cycle):
    proposal = make_proposal(
        people["author"], cycle, co_proposer_names=["함께제안"], submit=False
    )
    seen = {
        role
        for role, user in people.items()
        if permissions.can_view_proposal(user, proposal)
    }
    assert seen == PROPOSERS
