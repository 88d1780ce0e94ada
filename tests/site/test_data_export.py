"""Download my data (issue #15): a ZIP of JSON and CSV with everything kept about the resident, for its owner only."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from district.exports import data_export_request
from district.models import DataExport, DataExportStatus
from events.services import rsvp_set
from forums import services as forum_services
from forums.models import Board
from proposals import services as proposal_services
from tests.events.conftest import make_event
from tests.proposals.conftest import make_cycle, make_proposal


@pytest.fixture(autouse=True)
def no_flood_gap(settings):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0


@pytest.fixture
def resident(make_user):
    user = make_user(email="minji@example.org", display_name="민지")
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_holds_every_kind_in_json_and_csv(
    client, resident, make_user, district, django_capture_on_commit_callbacks
):
    board = Board.objects.select_related("dong").get(slug="yeoksam-1")
    thread = forum_services.thread_create(
        author=resident, board=board, title="골목 청소", body="처음 글"
    )
    post = thread.posts.get()
    forum_services.post_edit(editor=resident, post=post, body="고친 글")
    leader = make_user(groups=[board.dong.leaders_group])
    event = make_event(leader, board)
    rsvp_set(user=resident, occurrence=event.occurrences.get(), going=True)
    proposal = make_proposal(make_user(), make_cycle(board.dong))
    proposal_services.support_set(user=resident, proposal=proposal, support=True)

    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("data_export")).status_code == 302
    export = DataExport.objects.get(user=resident)
    assert export.status == DataExportStatus.READY  # tests run tasks at once
    assert export.expires_at - export.created_at >= timedelta(days=7) - timedelta(
        seconds=5
    )
    page = client.get(reverse("data_export"))
    download = reverse("data_export_download", args=[export.pk])
    assert download in page.content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = _zip(response)
    names = set(archive.namelist())
    for kind in (
        "profile",
        "forum_posts",
        "forum_reactions",
        "forum_reports",
        "event_signups",
        "proposal_supports",
        "notifications",
        "ballot_participation",
    ):
        assert f"{kind}.json" in names and f"{kind}.csv" in names
    profile = json.loads(archive.read("profile.json"))
    assert profile[0]["email"] == "minji@example.org"
    assert profile[0]["display_name"] == "민지"
    posts = json.loads(archive.read("forum_posts.json"))
    assert posts[0]["body"] == "고친 글"
    assert [v["body"] for v in posts[0]["earlier_versions"]] == ["처음 글"]
    assert len(json.loads(archive.read("event_signups.json"))) == 1
    assert json.loads(archive.read("proposal_supports.json"))[0]["proposal_id"] == (
        proposal.pk
    )
    assert "고친 글" in archive.read("forum_posts.csv").decode("utf-8-sig")


def test_only_the_owner_downloads(
    client, resident, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=resident)
    other = make_user()
    client.force_login(other)
    url = reverse("data_export_download", args=[export.pk])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign-in


def test_one_request_a_day(resident):
    from django.core.exceptions import ValidationError

    data_export_request(user=resident)
    with pytest.raises(ValidationError):
        data_export_request(user=resident)


def test_expired_export_is_not_served(
    client, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=resident)
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(resident)
    url = reverse("data_export_download", args=[export.pk])
    assert client.get(url).status_code == 404
