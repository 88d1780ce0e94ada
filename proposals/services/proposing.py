"""Writing a proposal: drafts, submission (with its discussion thread), edits and withdrawal."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypedDict

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from typing_extensions import Unpack
from wagtail.images import get_image_model
from wagtail.models import Collection

from district import live
from district.markup import render_markdown
from district.models import Profile
from district.moderation.policy import require_can_participate
from district.pii import refuse_rrn
from district.ratelimit import rate_limit
from forums.models import Audience as BoardAudience
from forums.models import Board
from forums.services import thread_create
from proposals import permissions
from proposals.counts import dimensions_of, funnel_add, reached_stages
from proposals.models import (
    ChangeKind,
    CoProposer,
    Cycle,
    Proposal,
    ProposalImage,
    Status,
)
from proposals.services.common import change_status, lock_proposal, tell

MAX_IMAGES = 5
MAX_CO_PROPOSERS = 10
MAX_IMAGE_BYTES = 10 * 1024 * 1024


class ProposalFields(TypedDict, total=False):
    """What a proposer sets on a proposal."""

    title: str
    description: str
    category: str
    cost: int | None
    place: str
    map_url: str
    audience: str


EDITABLE_FIELDS = frozenset(ProposalFields.__annotations__)


@dataclass(frozen=True)
class NewImage:
    file: UploadedFile
    alt_text: str


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")


def _validated(proposal: Proposal) -> None:
    proposal.title = " ".join((proposal.title or "").split())
    proposal.description = (proposal.description or "").strip()
    errors = {}
    if len(proposal.title) < 4:
        errors["title"] = _(
            "Please give the proposal a title of at least 4 characters."
        )
    if len(proposal.description) < 5:
        errors["description"] = _(
            "Please describe the proposal in at least 5 characters."
        )
    if errors:
        raise ValidationError(errors)
    refuse_rrn(
        title=proposal.title,
        description=proposal.description,
        place=proposal.place,
    )
    proposal.description_html = render_markdown(proposal.description)
    proposal.full_clean(exclude=["cycle", "author", "thread", "merged_into", "minutes"])


def _co_proposers(author: AbstractUser, names: Iterable[str]) -> list[AbstractUser]:
    """Residents named by their display names (case-insensitive); unknown names are refused by name."""
    wanted = []
    for name in names:
        name = name.strip()
        if name and name.lower() not in [w.lower() for w in wanted]:
            wanted.append(name)
    if len(wanted) > MAX_CO_PROPOSERS:
        raise ValidationError(
            {
                "co_proposers": _("Please name at most %(count)d co-proposers.")
                % {"count": MAX_CO_PROPOSERS}
            }
        )
    users, unknown = [], []
    for name in wanted:
        profile = (
            Profile.objects.select_related("user")
            .filter(display_name__iexact=name, user__is_active=True)
            .first()
        )
        if profile is None:
            unknown.append(name)
        elif profile.user_id != author.pk:
            users.append(profile.user)
    if unknown:
        raise ValidationError(
            {
                "co_proposers": _("No resident goes by: %(names)s")
                % {"names": ", ".join(unknown)}
            }
        )
    return users


def check_image(upload: UploadedFile) -> None:
    """Refuse what is not a picture Pillow can read, and oversized files."""
    if upload.size and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            {
                "images": _("%(name)s is too large (at most 10 MB).")
                % {"name": upload.name}
            }
        )
    try:
        upload.seek(0)
        with PILImage.open(upload) as picture:
            picture.verify()
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
        raise ValidationError(
            {
                "images": _("%(name)s is not an image we can read (JPEG, PNG or WebP).")
                % {"name": upload.name}
            }
        ) from None
    finally:
        upload.seek(0)


def store_image(cycle: Cycle, upload: UploadedFile, alt_text: str, uploader):
    """A Wagtail image in the association's collection (the root one for the district), EXIF removed on save."""
    collection = None
    if cycle.dong_id:
        collection = cycle.dong.collection
    collection = collection or Collection.get_first_root_node()
    return get_image_model().objects.create(
        title=alt_text[:255] or upload.name,
        file=upload,
        collection=collection,
        uploaded_by_user=uploader,
    )


def _add_images(
    proposal: Proposal, images: Sequence[NewImage], uploader: AbstractUser
) -> None:
    if not images:
        return
    existing = proposal.images.count() if proposal.pk else 0
    if existing + len(images) > MAX_IMAGES:
        raise ValidationError(
            {
                "images": _("A proposal can have at most %(count)d images.")
                % {"count": MAX_IMAGES}
            }
        )
    for image in images:
        if len(image.alt_text.strip()) < 2:
            raise ValidationError(
                {
                    "images": _(
                        "Please describe each image for people who cannot see it."
                    )
                }
            )
        check_image(image.file)
    for position, image in enumerate(images, start=existing):
        ProposalImage.objects.create(
            proposal=proposal,
            image=store_image(proposal.cycle, image.file, image.alt_text, uploader),
            alt_text=image.alt_text.strip()[:200],
            position=position,
        )


def discussion_board(cycle: Cycle) -> Board | None:
    """The cycle's board, or its association's general board; none for a district cycle without one."""
    if cycle.board_id:
        return cycle.board
    if cycle.dong_id:
        return (
            Board.objects.filter(dong_id=cycle.dong_id, audience=BoardAudience.EVERYONE)
            .order_by("position", "pk")
            .first()
        )
    return None


def _open_thread(proposal: Proposal) -> None:
    board = discussion_board(proposal.cycle)
    if board is None:
        return
    link = f"[{_('Read the proposal and support it')}]({proposal.get_absolute_url()})"
    proposal.thread = thread_create(
        author=proposal.author,
        board=board,
        title=proposal.title,
        body=f"{proposal.description}\n\n{link}",
        enforce_limits=False,
    )
    proposal.save(update_fields=["thread"])


def _submit(proposal: Proposal, actor: AbstractUser) -> None:
    proposal.language = (translation.get_language() or "ko")[:10]
    change_status(proposal, Status.SUBMITTED, kind=ChangeKind.SUBMITTED, actor=actor)
    _open_thread(proposal)


@live.atomic
def proposal_create(
    *,
    author: AbstractUser,
    cycle: Cycle,
    co_proposer_names: Iterable[str] = (),
    images: Sequence[NewImage] = (),
    submit: bool = True,
    **fields: Unpack[ProposalFields],
) -> Proposal:
    """Write a proposal in `cycle`'s proposing phase: a private draft, or submitted at once (`submit`).

    Submitting stores the interface language, opens the discussion thread on
    the association's general board and counts the proposal in the funnel.
    Co-proposers are named by display name and told.
    """
    if not permissions.is_resident(author):
        raise PermissionDenied
    require_can_participate(author)  # silenced or suspended: not now, and why
    if not permissions.can_propose(author, cycle):
        raise ValidationError(
            _("Proposals can only be made while the cycle is in its proposing phase.")
        )
    _check_fields(fields)
    proposal = Proposal(cycle=cycle, author=author, **fields)
    _validated(proposal)
    co_proposers = _co_proposers(author, co_proposer_names)
    rate_limit("proposal_create", user=author)
    proposal.save()
    CoProposer.objects.bulk_create(
        CoProposer(proposal=proposal, user=user) for user in co_proposers
    )
    _add_images(proposal, images, author)
    if submit:
        _submit(proposal, author)
    tell(co_proposers, "proposal_co_proposer", proposal, actor=author)
    return proposal


@live.atomic
def proposal_update(
    *,
    actor: AbstractUser,
    proposal: Proposal,
    co_proposer_names: Iterable[str] | None = None,
    images: Sequence[NewImage] = (),
    remove_image_ids: Iterable[int] = (),
    **fields: Unpack[ProposalFields],
) -> Proposal:
    """Change a draft or a proposal gathering support (its proposers, in the proposing phase).

    A change of category or audience moves the proposal's counts with it.
    """
    proposal = lock_proposal(proposal)
    if not permissions.can_edit_proposal(actor, proposal):
        raise PermissionDenied
    _check_fields(fields)
    cells_before = dimensions_of(proposal)
    for name, value in fields.items():
        setattr(proposal, name, value)
    _validated(proposal)
    rate_limit("edit", user=actor)
    if co_proposer_names is not None and actor.pk == proposal.author_id:
        users = _co_proposers(proposal.author, co_proposer_names)
        known = set(proposal.co_proposers.values_list("user_id", flat=True))
        proposal.co_proposers.exclude(user__in=users).delete()
        added = [u for u in users if u.pk not in known]
        CoProposer.objects.bulk_create(
            CoProposer(proposal=proposal, user=u) for u in added
        )
        tell(added, "proposal_co_proposer", proposal, actor=actor)
    remove = list(remove_image_ids)
    if remove:
        proposal.images.filter(pk__in=remove).delete()
    _add_images(proposal, images, actor)
    proposal.save()
    cells_after = dimensions_of(proposal)
    if proposal.status == Status.SUBMITTED and cells_before != cells_after:
        stages = reached_stages(proposal)
        funnel_add(proposal, stages, -1, cells=cells_before)
        funnel_add(proposal, stages, 1, cells=cells_after)
    if proposal.is_public:
        live.publish(proposal.topic, "proposal.edited", {"proposal_id": proposal.pk})
    return proposal


@live.atomic
def proposal_submit(*, actor: AbstractUser, proposal: Proposal) -> Proposal:
    """Make a draft public (its author, in the proposing phase)."""
    proposal = lock_proposal(proposal)
    if proposal.author_id != actor.pk or not permissions.can_edit_proposal(
        actor, proposal
    ):
        raise PermissionDenied
    require_can_participate(actor)
    if proposal.status != Status.DRAFT:
        raise ValidationError(_("This proposal has already been submitted."))
    _submit(proposal, actor)
    return proposal


@live.atomic
def proposal_withdraw(
    *, actor: AbstractUser, proposal: Proposal, reason: str = ""
) -> Proposal:
    """The author takes the proposal back, until it goes to screening. It leaves the funnel."""
    proposal = lock_proposal(proposal)
    if proposal.author_id != actor.pk:
        raise PermissionDenied
    if not permissions.can_withdraw_proposal(actor, proposal):
        raise ValidationError(
            _("A proposal can only be withdrawn before it goes to screening.")
        )
    change_status(
        proposal,
        Status.WITHDRAWN,
        kind=ChangeKind.WITHDRAWN,
        actor=actor,
        reason=reason,
    )
    return proposal
