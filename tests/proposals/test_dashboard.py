"""The reflection rate in public: funnel counts, the dashboard's constant query count, open data."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from proposals.counts import counts_repair
from proposals.models import FunnelCount, Proposal, Stage, Status
from proposals.opendata import neutralise
from tests.proposals.conftest import make_proposal


def bulk_proposals(cycle, author, count: int, **fields) -> None:
    """Many proposals at once (rows only), then the counts recomputed as the repair command does."""
    now = timezone.now()
    Proposal.objects.bulk_create(
        Proposal(
            cycle=cycle,
            author=author,
            title=f"제안 {i}",
            description="설명입니다 충분히 길게",
            category=("safety", "culture", "youth")[i % 3],
            status=Status.SELECTED if i % 4 == 0 else Status.SUBMITTED,
            language="ko" if i % 2 else "en",
            submitted_at=now,
            threshold_at=now if i % 4 == 0 else None,
            screened_at=now if i % 4 == 0 else None,
            selected_at=now if i % 4 == 0 else None,
            **fields,
        )
        for i in range(count)
    )
    counts_repair(cycles=[cycle])


@pytest.mark.parametrize("count", [10, 2000])
def test_dashboard_queries_do_not_grow_with_proposals(
    client, cycle, author, count, django_assert_max_num_queries
):
    bulk_proposals(cycle, author, count)
    client.get(reverse("proposals:dashboard"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("proposals:dashboard"))
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(reverse("proposals:dashboard_cycle", args=[cycle.pk]))
    body = response.content.decode()
    assert f"<td>{count}</td>" in body.replace(",", "")
    assert "25.0%" in body  # one in four selected


def test_rates_and_target_are_explained_on_the_page(client, cycle, author):
    bulk_proposals(cycle, author, 8)
    body = client.get(reverse("proposals:dashboard")).content.decode()
    assert "30.0%" in body  # the target
    assert "<caption>" in body and "<svg" in body and "<rect" in body


def test_small_people_breakdowns_show_less_than_five(client, cycle, author):
    make_proposal(author, cycle, audience="foreign")
    body = client.get(
        reverse("proposals:dashboard_cycle", args=[cycle.pk])
    ).content.decode()
    assert "&lt; 5" in body
    data = client.get(reverse("proposals:open_data_json", args=[cycle.pk])).json()
    foreign = next(r for r in data["breakdowns"]["audience"] if r["value"] == "foreign")
    assert foreign["counts"]["submitted"] == "< 5"
    # a proposal's own support count is not a breakdown of people
    assert data["proposals"][0]["supports"] == 0


def test_open_data_has_no_names_and_neutralises_formulas(client, cycle, make_user):
    author = make_user(display_name="비밀작성자")
    make_proposal(
        author, cycle, title='=HYPERLINK("http://x")', description="-설명 내용입니다"
    )
    response = client.get(reverse("proposals:open_data_csv", args=[cycle.pk]))
    text = response.content.decode("utf-8-sig")
    assert "비밀작성자" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1].startswith("'=")
    json_text = client.get(
        reverse("proposals:open_data_json", args=[cycle.pk])
    ).content.decode()
    assert "비밀작성자" not in json_text
    assert json.loads(json_text)["funnel"]["submitted"] == 1


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM", "\tx", "\rx"])
def test_formula_starts_are_neutralised(value):
    assert neutralise(value) == "'" + value


def test_repair_command_rebuilds_lost_counts(cycle, author):
    make_proposal(author, cycle)
    before = list(
        FunnelCount.objects.values_list(
            "dimension", "value", "stage", "count"
        ).order_by("pk")
    )
    FunnelCount.objects.all().delete()
    call_command("repair_proposal_counts", stdout=io.StringIO())
    after = FunnelCount.objects.values_list("dimension", "value", "stage", "count")
    assert sorted(after) == sorted(before)
    assert FunnelCount.objects.get(dimension="all", stage=Stage.SUBMITTED).count == 1
