"""A cycle's open data (CSV and JSON): proposals with their public history, and the funnel.

No personal data: no author, co-proposer or supporter names, no accounts.
Support counts per proposal are not a breakdown of people; the audience and
language breakdowns are, and any of their cells counting fewer than five is
written "< 5". CSV cells that a spreadsheet would read as a formula (starting
with = + - @, a tab or a carriage return) are neutralised with a leading '.
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from district.csv import FORMULA_START, neutralise
from proposals.models import Cycle, Stage, Status, today
from proposals.selectors import dashboard, open_data_rows

__all__ = ["FORMULA_START", "csv_rows", "json_document", "neutralise"]


def _iso(moment) -> str:
    return moment.date().isoformat() if moment else ""


def _record(proposal) -> dict:
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "association": proposal.cycle.where,
        "category": proposal.category,
        "estimated_cost_krw": proposal.cost,
        "screened_cost_krw": proposal.cost_estimate,
        "department": proposal.department,
        "status": proposal.status,
        "supports": proposal.support_count,
        "progress_percent": proposal.progress,
        "submitted_on": _iso(proposal.submitted_at),
        "selected_on": _iso(proposal.selected_at),
        "completed_on": proposal.completed_on.isoformat()
        if proposal.completed_on
        else "",
        "url": proposal.get_absolute_url(),
        "history": [
            {
                "date": change.created_at.date().isoformat(),
                "from": change.from_status,
                "to": change.to_status,
                "reason": change.reason,
            }
            for change in proposal.history.all()
        ],
    }


CSV_COLUMNS = (
    "id",
    "title",
    "association",
    "category",
    "estimated_cost_krw",
    "screened_cost_krw",
    "department",
    "status",
    "supports",
    "progress_percent",
    "submitted_on",
    "selected_on",
    "completed_on",
    "url",
    "reasons",
)


def csv_rows(cycle: Cycle) -> Iterator[list[str]]:
    yield list(CSV_COLUMNS)
    for proposal in open_data_rows(cycle):
        if proposal.status == Status.WITHDRAWN:
            continue
        record = _record(proposal)
        record["reasons"] = " | ".join(
            f"{h['date']} {h['to']}: {h['reason']}"
            for h in record["history"]
            if h["reason"]
        )
        yield [neutralise(record[column]) for column in CSV_COLUMNS]


def json_document(cycle: Cycle, labels: dict) -> dict:
    figures = dashboard(Cycle.objects.filter(pk=cycle.pk), labels)
    return {
        "cycle": {
            "id": cycle.pk,
            "name": cycle.name,
            "year": cycle.year,
            "association": cycle.where,
            "budget_krw": cycle.budget,
            "phases": {
                "proposing_from": cycle.proposing_from.isoformat(),
                "screening_from": cycle.screening_from.isoformat(),
                "deliberation_from": cycle.deliberation_from.isoformat(),
                "selection_from": cycle.selection_from.isoformat(),
                "implementation_from": cycle.implementation_from.isoformat(),
                "ends_on": cycle.ends_on.isoformat(),
            },
        },
        "generated_on": today().isoformat(),
        "note": _(
            "No personal data. Audience and language cells counting fewer than 5 are shown as “< 5”."
        ),
        "funnel": dict(figures["funnel"]),
        "rates": {
            "selected_over_submitted": figures["rates"]["selected"],
            "implemented_over_submitted": figures["rates"]["implemented"],
        },
        "breakdowns": {
            b.dimension: [
                {
                    "value": row["value"],
                    "label": str(row["label"]),
                    "counts": row["counts"],
                }
                for row in b.rows
            ]
            for b in figures["breakdowns"]
        },
        "proposals": [
            _record(p) for p in open_data_rows(cycle) if p.status != Status.WITHDRAWN
        ],
        "stages": list(Stage.values),
    }
