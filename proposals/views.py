"""Proposal pages. Thin: fetch-and-check with permissions.access_*, call a service or a selector, render."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from district import csv as safe_csv
from district import live
from district.forms import apply_errors
from district.idempotency import idempotent
from district.ratelimit import RateLimited
from dong.models import DongPage, MinutesPage
from proposals import permissions, selectors, services
from proposals.charts import bar_chart, percent
from proposals.forms import (
    DecideForm,
    FilterForm,
    OptionalReasonForm,
    ProgressForm,
    ProposalForm,
    ReasonForm,
    ReportForm,
    ScreenForm,
)
from proposals.models import (
    Category,
    Cycle,
    Dimension,
    Proposal,
    Stage,
    Status,
    Support,
)
from proposals.opendata import csv_rows, json_document
from proposals.rules import support_threshold, target_rate

PER_PAGE = 20


def _list_context(request: HttpRequest, cycle: Cycle | None = None) -> dict:
    form = FilterForm(request.GET or None)
    filters = selectors.ProposalFilters(cycle_id=cycle.pk if cycle else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ProposalFilters(
            cycle_id=filters.cycle_id,
            dong_id=data["dong"].pk if data["dong"] else None,
            category=data["category"],
            status=data["status"],
            phase=data["phase"],
            sort=form.chosen_sort(),
        )
    page = Paginator(selectors.proposal_list(filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return {
        "form": form,
        "page_obj": page,
        "supported": selectors.supported_ids(request.user, page.object_list),
    }


def proposal_index(request: HttpRequest) -> HttpResponse:
    context = _list_context(request)
    cycles = selectors.open_cycles()
    context.update(
        {
            "cycles": cycles,
            "live_topics": live.last_seqs([c.topic for c in cycles])
            if cycles
            else None,
        }
    )
    return render(request, "proposals/proposal_list.html", context)


def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = permissions.access_cycle(request.user, cycle_id)
    return _cycle_page(request, cycle)


def _cycle_page(request, cycle, close_form=None, status=200) -> HttpResponse:
    context = _list_context(request, cycle)
    context.update(
        {
            "cycle": cycle,
            "threshold": support_threshold(cycle),
            "history": cycle.history.exclude(action="created"),
            "can_propose": permissions.can_propose(request.user, cycle),
            "can_close_phase": permissions.can_close_phase(request.user, cycle),
            "close_form": close_form or ReasonForm(),
            "live_topics": live.last_seqs([cycle.topic]),
        }
    )
    return render(request, "proposals/cycle.html", context, status=status)


@login_required
@require_POST
def cycle_close_phase(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = permissions.access_cycle(request.user, cycle_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_phase_close(
                actor=request.user, cycle=cycle, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The phase is closed."))
            return redirect(cycle)
    return _cycle_page(request, cycle, close_form=form, status=400)


def _images(form: ProposalForm, request: HttpRequest) -> list[services.NewImage]:
    files = request.FILES.getlist("images")
    alts = form.alt_lines()
    return [
        services.NewImage(file=f, alt_text=alts[i] if i < len(alts) else "")
        for i, f in enumerate(files)
    ]


def _fields(form: ProposalForm) -> dict:
    data = form.cleaned_data
    return {
        name: data[name]
        for name in (
            "title",
            "description",
            "category",
            "cost",
            "place",
            "map_url",
            "audience",
        )
    }


@login_required
@idempotent("proposal")
def proposal_new(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = permissions.access_cycle(request.user, cycle_id)
    form = ProposalForm(request.POST or None, request.FILES or None)
    if not permissions.can_propose(request.user, cycle):
        form.add_error(
            None,
            _("Proposals can only be made while the cycle is in its proposing phase."),
        )
    elif request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                author=request.user,
                cycle=cycle,
                co_proposer_names=form.co_proposer_names(),
                images=_images(form, request),
                submit=request.POST.get("action") != "draft",
                **_fields(form),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if proposal.status == Status.DRAFT:
                messages.success(
                    request, _("Your draft is saved. Only you can see it.")
                )
            else:
                messages.success(request, _("Your proposal is published. Thank you!"))
            return redirect(proposal)
    return render(
        request,
        "proposals/proposal_form.html",
        {"form": form, "cycle": cycle, "proposal": None},
        status=400 if form.errors else 200,
    )


@login_required
def proposal_edit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = permissions.access_proposal(request.user, proposal_id)
    if not permissions.can_edit_proposal(request.user, proposal):
        raise PermissionDenied
    initial = {
        "title": proposal.title,
        "description": proposal.description,
        "category": proposal.category,
        "cost": proposal.cost,
        "place": proposal.place,
        "map_url": proposal.map_url,
        "audience": proposal.audience,
        "co_proposers": ", ".join(
            c.user.profile.display_name
            for c in proposal.co_proposers.select_related("user__profile")
        ),
    }
    form = ProposalForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                actor=request.user,
                proposal=proposal,
                co_proposer_names=form.co_proposer_names(),
                images=_images(form, request),
                remove_image_ids=[
                    int(i) for i in request.POST.getlist("remove_image") if i.isdigit()
                ],
                **_fields(form),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(proposal)
    return render(
        request,
        "proposals/proposal_form.html",
        {"form": form, "cycle": proposal.cycle, "proposal": proposal},
        status=400 if form.errors else 200,
    )


def similar(request: HttpRequest, cycle_id: int) -> JsonResponse:
    """Up to five proposals of the cycle whose titles look like `q` (the form shows them while typing)."""
    cycle = permissions.access_cycle(request.user, cycle_id)
    exclude = request.GET.get("exclude", "")
    found = selectors.similar_proposals(
        cycle, request.GET.get("q", ""), int(exclude) if exclude.isdigit() else None
    )
    return JsonResponse(
        {
            "results": [
                {
                    "id": p.pk,
                    "title": p.title,
                    "url": p.get_absolute_url(),
                    "supports": p.support_count,
                    "status": str(Status(p.status).label),
                }
                for p in found
            ]
        }
    )


def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = permissions.access_proposal(request.user, proposal_id)
    return _detail(request, proposal)


def _detail(request, proposal: Proposal, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    can = {
        "edit": permissions.can_edit_proposal(user, proposal),
        "withdraw": permissions.can_withdraw_proposal(user, proposal),
        "support": permissions.can_support(user, proposal),
        "screen": permissions.can_screen(user, proposal),
        "decide": permissions.can_decide(user, proposal),
        "progress": permissions.can_update_progress(user, proposal),
    }
    supports = bool(
        user.is_authenticated
        and Support.objects.filter(proposal=proposal, user=user).exists()
    )
    threshold = support_threshold(proposal.cycle)
    return render(
        request,
        "proposals/proposal.html",
        {
            "proposal": proposal,
            "cycle": proposal.cycle,
            "can": can,
            "is_proposer": permissions.is_proposer(user, proposal),
            "supports": supports,
            "threshold": threshold,
            "support_percent": min(
                100, round(100 * proposal.support_count / threshold)
            ),
            "history": proposal.history.all(),
            "updates": proposal.updates.select_related("photo"),
            "images": proposal.images.select_related("image"),
            "co_proposers": proposal.co_proposers.select_related("user__profile"),
            "advance_form": forms.get("advance_form") or ReasonForm(prefix="advance"),
            "screen_form": forms.get("screen_form") or ScreenForm(prefix="screen"),
            "decide_form": forms.get("decide_form") or DecideForm(prefix="decide"),
            "progress_form": forms.get("progress_form")
            or ProgressForm(prefix="progress"),
            "report_form": forms.get("report_form") or ReportForm(prefix="report"),
            "form_errors": forms.get("form_errors"),
            "live_topics": live.last_seqs([proposal.topic])
            if proposal.is_public
            else None,
        },
        status=status,
    )


@login_required
@require_POST
@idempotent("support")
def support(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = permissions.access_proposal(request.user, proposal_id)
    want = request.POST.get("action") != "withdraw"
    try:
        proposal = services.support_set(
            user=request.user, proposal=proposal, support=want
        )
    except RateLimited:
        raise  # 429 or a message (district.guards)
    except ValidationError as error:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
    else:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse(
                {"supports": proposal.support_count, "supporting": want}
            )
        messages.success(
            request,
            _("Thank you for your support.")
            if want
            else _("Your support is withdrawn."),
        )
    return redirect(proposal)


@login_required
@require_POST
def proposal_submit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = permissions.access_proposal(request.user, proposal_id)
    try:
        services.proposal_submit(actor=request.user, proposal=proposal)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your proposal is published. Thank you!"))
    return redirect(proposal)


@login_required
def proposal_withdraw(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = permissions.access_proposal(request.user, proposal_id)
    if proposal.author_id != request.user.pk:
        raise PermissionDenied
    form = OptionalReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_withdraw(
                actor=request.user,
                proposal=proposal,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your proposal is withdrawn."))
            return redirect(proposal)
    return render(
        request,
        "proposals/withdraw.html",
        {"proposal": proposal, "form": form},
        status=400 if form.errors else 200,
    )


def _organiser_action(
    request, proposal_id: int, prefix: str, form_class, act
) -> HttpResponse:
    """Run an organiser's form through its service; on error, the page again with what was typed."""
    proposal = permissions.access_proposal(request.user, proposal_id)
    form = form_class(request.POST, request.FILES or None, prefix=prefix)
    if form.is_valid():
        try:
            act(proposal, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Saved. Everyone following the proposal is told.")
            )
            return redirect(proposal)
    proposal.refresh_from_db()
    return _detail(request, proposal, status=400, **{f"{prefix}_form": form})


@login_required
@require_POST
def proposal_advance(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _organiser_action(
        request,
        proposal_id,
        "advance",
        ReasonForm,
        lambda p, d: services.proposal_advance(
            actor=request.user, proposal=p, reason=d["reason"]
        ),
    )


@login_required
@require_POST
def proposal_screen(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _organiser_action(
        request,
        proposal_id,
        "screen",
        ScreenForm,
        lambda p, d: services.proposal_screen(
            actor=request.user,
            proposal=p,
            department=d["department"],
            cost_estimate=d["cost_estimate"],
            note=d["note"],
            reason=d["reason"],
        ),
    )


def _decide(request, proposal: Proposal, data: dict) -> None:
    merged_into = None
    if data.get("merged_into"):
        merged_into = Proposal.objects.filter(pk=data["merged_into"]).first()
    minutes = None
    if data.get("minutes"):
        minutes = MinutesPage.objects.live().filter(pk=data["minutes"]).first()
        if minutes is None:
            raise ValidationError(
                {"minutes": _("No published minutes page has this number.")}
            )
    services.proposal_decide(
        actor=request.user,
        proposal=proposal,
        status=data["status"],
        reason=data["reason"],
        merged_into=merged_into,
        minutes=minutes,
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _organiser_action(
        request, proposal_id, "decide", DecideForm, lambda p, d: _decide(request, p, d)
    )


@login_required
@require_POST
def proposal_progress(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _organiser_action(
        request,
        proposal_id,
        "progress",
        ProgressForm,
        lambda p, d: services.proposal_progress(
            actor=request.user,
            proposal=p,
            percent=d["percent"],
            text=d["text"],
            on_date=d["on_date"],
            status=d["status"],
            reason=d["reason"],
            completed_on=d["completed_on"],
            photo=d["photo"],
            photo_alt=d["photo_alt"],
        ),
    )


@login_required
@require_POST
def proposal_report(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """A report goes to the forums' moderation queue, on the proposal's discussion thread's opening post."""
    from forums.services import report_create

    proposal = permissions.access_proposal(request.user, proposal_id)
    form = ReportForm(request.POST, prefix="report")
    opening = None
    if proposal.thread_id:
        opening = proposal.thread.posts.order_by("created_at", "pk").first()
    if opening is None:
        raise Http404
    if form.is_valid():
        try:
            report_create(
                reporter=request.user,
                post=opening,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied:
            form.add_error(None, _("You cannot report your own proposal."))
        else:
            messages.success(request, _("Thank you. Moderators will look at it."))
            return redirect(proposal)
    return _detail(request, proposal, status=400, report_form=form)


# The reflection rate, in public.


def _labels() -> dict[str, dict[str, str]]:
    from django.conf import settings

    dongs = {
        str(d.pk): d.local_name for d in DongPage.objects.only("pk", "title", "name_en")
    }
    dongs["0"] = _("District-wide")
    from proposals.models import Audience

    return {
        Dimension.DONG: dongs,
        Dimension.CATEGORY: dict(Category.choices),
        Dimension.AUDIENCE: {**dict(Audience.choices), "none": _("Not declared")},
        Dimension.LANGUAGE: {
            **{code: name for code, name in settings.LANGUAGES},
            "none": _("Unknown"),
        },
    }


def dashboard(request: HttpRequest, cycle_id: int | None = None) -> HttpResponse:
    cycle = permissions.access_cycle(request.user, cycle_id) if cycle_id else None
    cycles = Cycle.objects.all()
    year = None
    if cycle is not None:
        scope = Cycle.objects.filter(pk=cycle.pk)
    else:
        years = sorted(set(cycles.values_list("year", flat=True)), reverse=True)
        requested = request.GET.get("year", "")
        year = (
            int(requested) if requested.isdigit() and int(requested) in years else None
        )
        year = year or (years[0] if years else None)
        scope = cycles.filter(year=year)
    data = selectors.dashboard(scope, _labels())
    target = target_rate()
    stage_labels = dict(Stage.choices)
    submitted = dict(data["funnel"]).get(Stage.SUBMITTED, 0)
    funnel_chart = bar_chart(
        [(stage_labels[s], n, f"{n:,}") for s, n in data["funnel"]],
        maximum=submitted or 1,
    )
    breakdowns = [
        {
            "dimension": b.dimension,
            "title": Dimension(b.dimension).label,
            "rows": [
                {**r, "shown": {k: percent(v) for k, v in r["rates"].items()}}
                for r in b.rows
            ],
            "chart": bar_chart(
                [
                    (
                        r["label"],
                        r["rates"]["selected"],
                        percent(r["rates"]["selected"]),
                    )
                    for r in b.rows
                ],
                maximum=1,
                target=target,
            ),
        }
        for b in data["breakdowns"]
    ]
    trend_chart = bar_chart(
        [
            (str(t["year"]), t["rates"]["selected"], percent(t["rates"]["selected"]))
            for t in data["trend"]
        ],
        maximum=1,
        target=target,
    )
    return render(
        request,
        "proposals/dashboard.html",
        {
            "cycle": cycle,
            "year": year,
            "years": sorted(set(cycles.values_list("year", flat=True)), reverse=True),
            "cycle_list": list(cycles.select_related("dong")) if cycle is None else [],
            "target": target,
            "target_percent": percent(target),
            "stage_labels": stage_labels,
            "funnel": [(s, stage_labels[s], n) for s, n in data["funnel"]],
            "rates": {k: percent(v) for k, v in data["rates"].items()},
            "funnel_chart": funnel_chart,
            "breakdowns": breakdowns,
            "trend": [
                {**t, "shown": {k: percent(v) for k, v in t["rates"].items()}}
                for t in data["trend"]
            ],
            "trend_chart": trend_chart,
        },
    )


def open_data(request: HttpRequest, cycle_id: int, fmt: str) -> HttpResponse:
    cycle = permissions.access_cycle(request.user, cycle_id)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(json_document(cycle, _labels()), ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # Excel reads UTF-8 with a BOM
        writer = safe_csv.writer(response)
        for row in csv_rows(cycle):
            writer.writerow(row)
    response["Content-Disposition"] = f'inline; filename="proposals-{cycle.pk}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
