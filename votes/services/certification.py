"""Certifying a result: computed from the stored choices and agreed box counts, fingerprinted, handed to result handlers, drafted into minutes."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from district import live
from votes import permissions, registry, tally
from votes.models import (
    Ballot,
    BallotBox,
    QuestionKind,
)
from votes.services.common import lock_ballot


@live.atomic
def ballot_certify(*, actor: AbstractUser, ballot: Ballot) -> Ballot:
    """Count, fingerprint and publish the result; hand each item's outcome to the result handlers; draft the minutes.

    Every box must have two agreeing counts first. The handlers (e.g. the
    proposals app moving a selected proposal on) run in this transaction.
    """
    ballot = lock_ballot(ballot)
    if not permissions.can_certify(actor, ballot):
        raise ValidationError(_("This result cannot be certified now."))
    _data, result, print_ = tally.compute(ballot)
    if result["boxes_pending"]:
        names = ", ".join(
            BallotBox.objects.filter(pk__in=result["boxes_pending"]).values_list(
                "name", flat=True
            )
        )
        raise ValidationError(
            _(
                "Two officers' counts must agree for every box first. Waiting for: %(boxes)s"
            )
            % {"boxes": names}
        )
    ballot.result = result
    ballot.fingerprint = print_
    ballot.certified_at = timezone.now()
    ballot.certified_by = actor
    item_results = []
    for question in result["questions"]:
        for row in question["items"]:
            item_results.append(
                registry.ItemResult(
                    ballot_id=ballot.pk,
                    item_id=row["id"],
                    source_key=row["source_key"],
                    title=row["title"],
                    selected=row["selected"],
                    votes=row["votes"],
                    summary=item_summary(question, row),
                )
            )
    for handler in registry.result_handlers():
        handler(item_results)
    ballot.minutes_page = _draft_minutes(ballot, result, item_results, actor)
    ballot.save(
        update_fields=[
            "result",
            "fingerprint",
            "certified_at",
            "certified_by",
            "minutes_page",
        ]
    )
    live.publish(
        ballot.topic,
        "ballot.certified",
        {"ballot_id": ballot.pk, "fingerprint": print_},
    )
    return ballot


def item_summary(question: dict, row: dict) -> str:
    """One item's outcome as a sentence, in the current language."""
    if question["kind"] == QuestionKind.YES_NO:
        text = (
            _("%(yes)d yes of %(valid)d valid votes (%(no)d no, %(abstain)d abstained)")
            % row
        )
        if not row["quorum_met"]:
            text += " · " + _("quorum not met")
        return text
    if question["kind"] == QuestionKind.RANKED:
        return _("%(points)d points from %(picks)d votes") % row
    return ngettext("%(picks)d vote", "%(picks)d votes", row["picks"]) % row


def _draft_minutes(ballot: Ballot, result: dict, item_results, actor):
    """An unpublished MinutesPage under the association's minutes index, for the leaders to complete and publish."""
    if not ballot.dong_id:
        return None
    from dong.models import MeetingType, MinutesIndexPage, MinutesPage

    index = MinutesIndexPage.objects.child_of(ballot.dong).first()
    if index is None:
        return None
    slug = f"vote-{ballot.pk}-result"
    existing = MinutesPage.objects.child_of(index).filter(slug=slug).first()
    if existing is not None:
        return existing
    rows = "".join(
        f"<li><b>{escape(r.title)}</b>: {escape(r.summary)}"
        f"{' — ' + escape(_('selected')) if r.selected else ''}</li>"
        for r in item_results
    )
    agenda = (
        f"<p>{escape(ballot.title)}</p><ul>{rows}</ul>"
        f"<p>{escape(_('Fingerprint of the published ballot data (SHA-256):'))} {ballot.fingerprint}</p>"
    )
    decisions = [
        ("decision", f"{r.title}: {r.summary}"[:500])
        for r in item_results
        if r.selected
    ]
    meeting = (
        ballot.assembly.starts_at if ballot.assembly_id else ballot.effective_close
    )
    page = MinutesPage(
        title=_("Result: %(title)s") % {"title": ballot.title},
        slug=slug,
        meeting_date=timezone.localtime(meeting).date(),
        meeting_type=MeetingType.ASSEMBLY,
        attendance=result["participants"]["total"],
        agenda=agenda,
        decisions=decisions,
        live=False,
    )
    index.add_child(instance=page)
    page.save_revision(user=actor, log_action=True)
    return page
