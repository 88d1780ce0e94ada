"""Proposal writes, by sub-domain: `cycles` (create, close a phase early),
`proposing` (drafts, submission, edits, withdrawal), `support` (공감 and the
threshold), `decisions` (screening, decisions, progress), `ballots` (the seam
with votes); `common` holds what they share (status changes with their
history, counts, broadcasts and notifications).

Each write checks permission, runs inside `district.live.atomic`, and
publishes its live updates (the proposal's topic and its cycle's).

Seams for what is not built yet: a per-action rate limiter would wrap
`proposal_create` and `support_set` (the callers' entry points); an
idempotency key would sit beside the unique constraints that already make a
repeated support or co-proposer harmless.
"""

from proposals.services.ballots import ballot_items, ballot_results
from proposals.services.cycles import cycle_create, cycle_phase_close
from proposals.services.decisions import (
    proposal_advance,
    proposal_decide,
    proposal_progress,
    proposal_screen,
)
from proposals.services.proposing import (
    MAX_IMAGES,
    NewImage,
    ProposalFields,
    discussion_board,
    proposal_create,
    proposal_submit,
    proposal_update,
    proposal_withdraw,
)
from proposals.services.support import support_set

__all__ = [
    "MAX_IMAGES",
    "NewImage",
    "ProposalFields",
    "ballot_items",
    "ballot_results",
    "cycle_create",
    "cycle_phase_close",
    "discussion_board",
    "proposal_advance",
    "proposal_create",
    "proposal_decide",
    "proposal_progress",
    "proposal_screen",
    "proposal_submit",
    "proposal_update",
    "proposal_withdraw",
    "support_set",
]
