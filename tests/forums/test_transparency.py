"""The public transparency report (issue #15): per quarter and association, no names, small counts as "< 5"."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from district.moderation import services as moderation
from district.moderation.report import shown
from forums import services


@pytest.fixture
def many_hidden(thread, resident, leader, no_rate_limit):
    posts = [thread.posts.get()]
    for n in range(6):
        posts.append(
            services.post_create(
                author=resident, thread=thread, body=f"광고 링크 {n} 입니다"
            )
        )
    for post in posts[:6]:
        services.post_hide(
            moderator=leader, post=post, reason="Ads", reason_code="spam"
        )
    services.post_hide(
        moderator=leader, post=posts[6], reason="Insult", reason_code="abuse"
    )
    return posts


@pytest.mark.parametrize(
    "count,published", [(0, "0"), (1, "< 5"), (4, "< 5"), (5, "5"), (12, "12")]
)
def test_small_counts_are_not_published_exactly(count, published):
    assert shown(count) == published


def test_report_per_quarter_and_association_without_names(
    many_hidden, resident, staff, board
):
    from forums.models import ModerationAction

    action = ModerationAction.objects.filter(kind="hide").first()
    appeal = moderation.appeal_create(appellant=resident, target=action, text="Please")
    moderation.appeal_decide(
        decider=staff, appeal=appeal, outcome="reversed", reason="Fine"
    )
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get(reverse("moderation:report"))
    assert response.status_code == 200
    page = response.text
    assert board.dong.title in page or board.dong.local_name in page
    assert "Spam or advertising" in page
    for name in ("민지", "역삼회장", "구청"):
        assert name not in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("moderation:report") + "?format=csv").text.lstrip(
                    "\ufeff"
                )
            )
        )
    )
    header, body = rows[0], rows[1:]
    row = next(r for r in body if r[1] in (board.dong.title, board.dong.local_name))
    values = dict(zip(header, row))
    assert values["Spam or advertising"] == "6"
    assert values["Abuse, harassment or hate"] == "< 5"
    # The reversal restored one post: a RESTORE is not an action against content.
    assert values["Actions"] == "7"
    assert values["Appeals received"] == "< 5"
    assert values["Reversed"] == "< 5"
    assert values["Upheld"] == "0"
    assert values["Median days to answer"] != "—"
