"""Every write of the votes app, by sub-domain: `ballots` (create, publish,
close, the agenda), `voting` (online votes, receipts, declarations), `boxes`
(voter passes, check-in, officers' counts), `certification` (the result, its
fingerprint and what follows); `common` holds what they share.

Each write is one keyword-only function inside `district.live.atomic`. Safe
to repeat: a second voice is refused by the unique (ballot, user)
participation, whichever channel tries it; a box count is an append-only
entry (entering the same count twice is harmless); certifying twice is
refused. Where idempotency keys plug in later: `vote_cast` (on top of the
unique constraint) and `voter_check_in`/`box_count_enter` (per officer).
"""

from votes.services.ballots import (
    BoxSpec,
    ItemSpec,
    QuestionSpec,
    agenda_advance,
    ballot_close,
    ballot_create,
    ballot_problems,
    ballot_publish,
)
from votes.services.boxes import (
    box_count_enter,
    pass_token,
    voter_check_in,
    voter_confirm,
)
from votes.services.certification import ballot_certify, item_summary
from votes.services.common import participant_count, refusal_message
from votes.services.voting import (
    Declaration,
    declarations_erase,
    eligibility_errors,
    hash_receipt,
    new_receipt,
    receipt_counted,
    vote_cast,
)

__all__ = [
    "BoxSpec",
    "Declaration",
    "ItemSpec",
    "QuestionSpec",
    "agenda_advance",
    "ballot_certify",
    "ballot_close",
    "ballot_create",
    "ballot_problems",
    "ballot_publish",
    "box_count_enter",
    "declarations_erase",
    "eligibility_errors",
    "hash_receipt",
    "item_summary",
    "new_receipt",
    "participant_count",
    "pass_token",
    "receipt_counted",
    "refusal_message",
    "vote_cast",
    "voter_check_in",
    "voter_confirm",
]
