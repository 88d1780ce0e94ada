"""Ballot pages. Thin: fetch-and-check with permissions.access_ballot, call a service or a selector, render."""

import re

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from district import csv as safe_csv
from district import live
from district.csv import csv_response
from district.forms import apply_errors
from district.idempotency import idempotent
from votes import permissions, selectors, services, tally
from votes.forms import BoxCountForm, PassForm, ReceiptForm, VoteForm
from votes.models import BallotBox, Item


def ballot_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "votes/ballot_list.html",
        {
            "open_ballots": list(selectors.open_ballots()),
            "upcoming_ballots": list(selectors.upcoming_ballots()[:20]),
            "certified_ballots": list(selectors.certified_ballots()[:20]),
        },
    )


def _results_context(request: HttpRequest, ballot, participants: int) -> dict:
    """Results to show, if any: the certified result, the leaders' provisional count, or live tallies."""
    if ballot.certified and permissions.can_see_results(request.user, ballot):
        return {"result": ballot.result, "result_kind": "certified"}
    if permissions.can_see_results(request.user, ballot):
        return {"result": tally.compute(ballot)[1], "result_kind": "provisional"}
    if permissions.can_see_live_tallies(request.user, ballot, participants):
        return {"result": tally.compute(ballot)[1], "result_kind": "live"}
    return {"result": None, "result_kind": ""}


@never_cache
@idempotent("vote", keep_body=False)
def ballot_detail(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = permissions.access_ballot(request.user, ballot_id)
    questions = selectors.ballot_questions(ballot)
    refusal = permissions.vote_refusal(request.user, ballot)
    revoting = (
        refusal == "voted"
        and ballot.allow_revote
        and ballot.is_open()
        and request.GET.get("change") == "1"
    ) or (request.method == "POST" and request.POST.get("receipt"))
    form = VoteForm(
        request.POST or None,
        ballot=ballot,
        questions=questions,
        user=request.user,
        revoting=bool(revoting),
    )
    receipt = None
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if form.is_valid():
            try:
                receipt = services.vote_cast(
                    user=request.user,
                    ballot=ballot,
                    declaration=services.Declaration(
                        dong_id=form.cleaned_data["dong"].pk
                        if form.cleaned_data["dong"]
                        else None,
                        age_band=form.cleaned_data["age_band"],
                        category=form.cleaned_data["category"],
                        consent=form.cleaned_data["consent"],
                    ),
                    answers=form.answers(),
                    receipt=form.cleaned_data["receipt"] if revoting else "",
                    questions=questions,
                )
            except ValidationError as error:
                form.put_errors(error)
                status = 400
        else:
            status = 400
        if receipt:
            return render(
                request,
                "votes/voted.html",
                {"ballot": ballot, "receipt": receipt, "changed": bool(revoting)},
            )
    participants = services.participant_count(ballot)
    return render(
        request,
        "votes/ballot.html",
        {
            "ballot": ballot,
            "questions": questions,
            "form": form,
            "refusal": refusal,
            "refusal_message": services.refusal_message(refusal, ballot)
            if refusal
            else "",
            "revoting": bool(revoting),
            "participants": participants,
            "boxes": list(ballot.boxes.all()),
            "is_officer": permissions.is_officer(request.user, ballot),
            "live_topics": live.last_seqs([ballot.topic]) if ballot.published else None,
            **_results_context(request, ballot, participants),
        },
        status=status,
    )


def receipt_check(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Public: is the paper with this receipt in the count? Answers "counted" or "not found", nothing more."""
    ballot = permissions.access_ballot(request.user, ballot_id)
    form = ReceiptForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = services.receipt_counted(ballot, form.cleaned_data["code"])
    return render(
        request, "votes/receipt.html", {"ballot": ballot, "form": form, "found": found}
    )


def _qr_svg(text: str, scale: int = 8) -> str:
    return segno.make(text, error="m").svg_inline(scale=scale, border=4, light="#fff")


@login_required
@never_cache
def voter_pass(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The resident's personal voter pass: a QR code of a signed code, shown to an officer at a ballot box."""
    ballot = permissions.access_ballot(request.user, ballot_id)
    token = services.pass_token(ballot, request.user)
    return render(
        request,
        "votes/pass.html",
        {"ballot": ballot, "token": token, "qr": _qr_svg(token)},
    )


def _officer_ballot(request: HttpRequest, ballot_id: int):
    ballot = permissions.access_ballot(request.user, ballot_id)
    if not permissions.is_officer(request.user, ballot):
        raise PermissionDenied
    return ballot


@login_required
@never_cache
def officer_desk(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Officers: check voters in by pass, enter box counts, move the agenda on; leaders: publish, close, certify."""
    ballot = _officer_ballot(request, ballot_id)
    form = PassForm(request.POST or None, ballot=ballot)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "confirm":
                services.voter_confirm(
                    officer=request.user,
                    ballot=ballot,
                    token=form.cleaned_data["token"],
                )
                messages.success(
                    request, _("Confirmed: this person can now vote online.")
                )
            else:
                box = form.cleaned_data["box"]
                if box is None:
                    raise ValidationError({"box": _("Choose the ballot box.")})
                services.voter_check_in(
                    officer=request.user, box=box, token=form.cleaned_data["token"]
                )
                messages.success(
                    request, _("Checked in: give this person a paper ballot.")
                )
            return redirect("votes:officer", ballot.pk)
        except ValidationError as error:
            apply_errors(form, error)
    if form.errors:
        status = 400
    states = tally.box_states(ballot)
    return render(
        request,
        "votes/officer.html",
        {
            "ballot": ballot,
            "form": form,
            "states": states,
            "entries": selectors.box_entries(ballot),
            "agenda": selectors.agenda_items(ballot),
            "problems": services.ballot_problems(ballot)
            if not ballot.published
            else [],
            "can_check_in": permissions.can_check_in(request.user, ballot),
            "can_enter": permissions.can_enter_tallies(request.user, ballot),
            "can_publish": permissions.can_publish(request.user, ballot),
            "can_close": permissions.can_close(request.user, ballot),
            "can_certify": permissions.can_certify(request.user, ballot),
            "user_id": request.user.pk,
        },
        status=status,
    )


@login_required
@require_POST
def officer_action(request: HttpRequest, ballot_id: int, action: str) -> HttpResponse:
    ballot = _officer_ballot(request, ballot_id)
    try:
        if action == "publish":
            services.ballot_publish(actor=request.user, ballot=ballot)
            messages.success(request, _("The ballot is published."))
        elif action == "close":
            services.ballot_close(actor=request.user, ballot=ballot)
            messages.success(request, _("Voting is closed."))
        elif action == "certify":
            services.ballot_certify(actor=request.user, ballot=ballot)
            messages.success(
                request,
                _(
                    "The result is certified and published. A draft of the minutes is waiting in the admin."
                ),
            )
        elif action == "agenda":
            item_id = request.POST.get("item")
            item = (
                get_object_or_404(Item, pk=item_id, question__ballot=ballot)
                if item_id
                else None
            )
            services.agenda_advance(officer=request.user, ballot=ballot, item=item)
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("votes:officer", ballot.pk)


@login_required
@never_cache
def box_count(request: HttpRequest, ballot_id: int, box_id: int) -> HttpResponse:
    ballot = _officer_ballot(request, ballot_id)
    box = get_object_or_404(BallotBox, pk=box_id, ballot=ballot)
    if not permissions.can_enter_tallies(request.user, ballot):
        raise PermissionDenied
    questions = selectors.ballot_questions(ballot)
    form = BoxCountForm(request.POST or None, ballot=ballot, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.box_count_enter(
                officer=request.user,
                box=box,
                paper_voters=form.cleaned_data["paper_voters"],
                counts=form.counts(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for key, errors in error.error_dict.items():
                    if key.startswith("q") and ":" not in key:
                        form.add_error(None, errors)
                    else:
                        form.add_error(key if key in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Your count of this box is saved."))
            return redirect("votes:officer", ballot.pk)
    state = {s.box.pk: s for s in tally.box_states(ballot)}[box.pk]
    return render(
        request,
        "votes/box_count.html",
        {"ballot": ballot, "box": box, "form": form, "state": state},
        status=400 if form.errors else 200,
    )


def screen(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The projector at the assembly: the item under way, how many took part, the certified result."""
    ballot = permissions.access_ballot(request.user, ballot_id)
    return render(
        request,
        "votes/screen.html",
        {
            "ballot": ballot,
            "participants": services.participant_count(ballot),
            "agenda": selectors.agenda_items(ballot),
            "result": ballot.result if ballot.certified else None,
            "live_topics": live.last_seqs([ballot.topic]),
        },
    )


def screen_result(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The certified result table alone, fetched by the projector when `ballot.certified` arrives."""
    ballot = permissions.access_ballot(request.user, ballot_id)
    if not ballot.certified:
        raise Http404
    return render(
        request,
        "votes/includes/result_table.html",
        {"ballot": ballot, "result": ballot.result, "big": True},
    )


def poster(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """A printable A4 poster (SVG): the ballot's title, dates and a QR code that opens it."""
    ballot = permissions.access_ballot(request.user, ballot_id)
    url = request.build_absolute_uri(ballot.get_absolute_url())
    qr = segno.make(url, error="m")
    size = qr.symbol_size(scale=1, border=0)[0]
    path = re.search(r"<path[^>]*/>", qr.svg_inline(scale=1, border=0)).group(0)

    def when(moment):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")

    response = render(
        request,
        "votes/poster.svg",
        {
            "ballot": ballot,
            "url": url,
            "qr_path": path,
            "qr_size": size,
            "opens": when(ballot.opens_at),
            "closes": when(ballot.effective_close),
            "boxes": list(ballot.boxes.all()[:6]),
        },
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'inline; filename="ballot-{ballot.pk}-poster.svg"'
    )
    return response


def _certified(request: HttpRequest, ballot_id: int):
    ballot = permissions.access_ballot(request.user, ballot_id)
    if not ballot.certified:
        raise Http404
    return ballot


def data_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The anonymised ballot data; its SHA-256 is the published fingerprint."""
    ballot = _certified(request, ballot_id)
    body = tally.canonical_bytes(tally.open_data(ballot))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="ballot-{ballot.pk}.json"'
    return response


def data_csv(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The same data as rows: one per online choice (canonical order), then each box's agreed counts."""
    ballot = _certified(request, ballot_id)
    data = tally.open_data(ballot)
    response = csv_response(f"ballot-{ballot.pk}.csv", bom=False)
    writer = safe_csv.writer(response)
    writer.writerow(
        ["source", "box_id", "question_id", "item_id", "answer", "rank", "count"]
    )
    for q, i, answer, rank in data["online_choices"]:
        writer.writerow(["online", "", q, i, answer, rank or "", 1])
    for box in data["boxes"]:
        writer.writerow(
            ["box_voters", box["id"], "", "", "paper_voters", "", box["paper_voters"]]
        )
        writer.writerow(
            ["box_voters", box["id"], "", "", "checked_in", "", box["checked_in"]]
        )
        for key, value in box["counts"].items():
            q, i, mark = key.split(":")
            rank = mark[1:] if mark.startswith("r") else ""
            writer.writerow(
                ["box", box["id"], q, i, "pick" if rank else mark, rank, value]
            )
    return response
