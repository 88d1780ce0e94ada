"""The public transparency report: per quarter and association, actions by reason and what became of appeals.

No names; counts from 1 to 4 read "< 5" (so no single case can be picked
out). Actions come from registered sources (forums' moderation log, the
kernel's sanctions), appeals from the kernel.
"""

from collections import defaultdict
from datetime import date
from statistics import median

from django.db.models import Count
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from district.associations import local_name
from district.moderation.models import (
    Appeal,
    AppealOutcome,
    Sanction,
    SanctionKind,
)
from district.moderation.reasons import ModerationReason
from district.moderation.registry import action_sources

SMALL = 5


def shown(count: int) -> str:
    """A count as published: "0", "< 5", or the number."""
    if count == 0:
        return "0"
    if count < SMALL:
        return "< 5"
    return str(count)


def quarter_label(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def sanction_actions() -> list[dict]:
    """The kernel's own source: silences and suspensions, district-wide."""
    rows = (
        Sanction.objects.filter(kind__in=(SanctionKind.SILENCE, SanctionKind.SUSPEND))
        .annotate(
            quarter=TruncQuarter("created_at", tzinfo=timezone.get_current_timezone())
        )
        .values("quarter", "reason_code")
        .annotate(n=Count("id"))
    )
    return [
        {
            "quarter": r["quarter"],
            "association_id": None,
            "reason_code": r["reason_code"],
            "n": r["n"],
        }
        for r in rows
    ]


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def transparency_rows() -> list[dict]:
    """One row per quarter × association with anything to report, newest quarter first."""
    groups: dict[tuple[date, int | None], dict] = {}

    def group(quarter, association_id) -> dict:
        key = (_as_date(quarter), association_id)
        if key not in groups:
            groups[key] = {
                "quarter": key[0],
                "association_id": association_id,
                "reasons": defaultdict(int),
                "received": 0,
                "upheld": 0,
                "reversed": 0,
                "answer_days": [],
            }
        return groups[key]

    for source in [sanction_actions, *action_sources()]:
        for row in source():
            group(row["quarter"], row["association_id"])["reasons"][
                row["reason_code"]
            ] += row["n"]
    tz = timezone.get_current_timezone()
    appeals = Appeal.objects.annotate(
        quarter=TruncQuarter("created_at", tzinfo=tz)
    ).values_list("quarter", "association_id", "outcome", "created_at", "decided_at")
    for quarter, association_id, outcome, created_at, decided_at in appeals:
        g = group(quarter, association_id)
        g["received"] += 1
        if outcome == AppealOutcome.UPHELD:
            g["upheld"] += 1
        elif outcome == AppealOutcome.REVERSED:
            g["reversed"] += 1
        if decided_at is not None:
            g["answer_days"].append((decided_at - created_at).total_seconds() / 86400)
    names = {
        page.pk: local_name(page)
        for page in Page.objects.filter(
            pk__in={a for _q, a in groups if a is not None}
        ).specific()
    }
    rows = []
    for (quarter, association_id), g in sorted(
        groups.items(),
        key=lambda item: (item[0][0], names.get(item[0][1], "")),
        reverse=True,
    ):
        total = sum(g["reasons"].values())
        rows.append(
            {
                "quarter": quarter_label(quarter),
                "association": names.get(association_id, "")
                if association_id
                else _("District-wide"),
                "reasons": [
                    shown(g["reasons"].get(code, 0)) for code in ModerationReason.values
                ],
                "actions": shown(total),
                "received": shown(g["received"]),
                "upheld": shown(g["upheld"]),
                "reversed": shown(g["reversed"]),
                "median_days": (
                    f"{median(g['answer_days']):.1f}" if g["answer_days"] else "—"
                ),
            }
        )
    return rows


def reason_headers() -> list[str]:
    return [str(label) for label in ModerationReason.labels]
