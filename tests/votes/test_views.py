"""The ballot over HTTP: voting with a keyboard-friendly form, clear errors that keep what was typed, receipts, open data."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EventKind
from tests.events.conftest import make_event
from tests.votes.conftest import make_ballot, questions
from votes import services, tally
from votes.models import Choice, Participation

pytestmark = pytest.mark.django_db


def form_data(ballot, dong, **extra):
    (q1, q2, q3), (i1, i2, i3) = questions(ballot)
    data = {
        "dong": dong.pk,
        "category": "resident",
        "age_band": "18+",
        "consent": "on",
        f"q{q1.pk}-i{i1[0].pk}": "yes",
        f"q{q2.pk}": [str(i2[0].pk)],
        f"q{q3.pk}-r{i3[1].pk}": "1",
    }
    data.update(extra)
    return data


def test_anonymous_visitor_sees_the_ballot_and_is_asked_to_sign_in(client, ballot):
    page = client.get(ballot.get_absolute_url()).content.decode()
    assert ballot.title in page
    assert "/accounts/login/" in page
    assert (
        'data-participants">0<' in page.replace(" ", "")
        or "data-participants>0<" in page
    )


def test_resident_votes_and_is_shown_a_receipt_once(client, ballot, resident, dong):
    client.force_login(resident)
    page = client.get(ballot.get_absolute_url()).content.decode()
    assert "<fieldset" in page and "<legend>" in page and 'type="radio"' in page
    response = client.post(ballot.get_absolute_url(), form_data(ballot, dong))
    assert response.status_code == 200
    code = response.context["receipt"]
    assert code in response.content.decode()
    assert Participation.objects.filter(ballot=ballot, user=resident).exists()
    check = client.get(reverse("votes:receipt", args=[ballot.pk]), {"code": code})
    assert 'data-receipt-result="counted"' in check.content.decode()
    missing = client.get(reverse("votes:receipt", args=[ballot.pk]), {"code": "XXXX"})
    assert 'data-receipt-result="not-found"' in missing.content.decode()
    again = client.get(ballot.get_absolute_url()).content.decode()
    assert code not in again
    assert "already voted" in again


def test_too_many_picks_show_a_linked_error_and_keep_what_was_typed(
    client, ballot, resident, dong
):
    client.force_login(resident)
    (_q1, q2, _q3), (_i1, i2, _i3) = questions(ballot)
    data = form_data(ballot, dong, **{f"q{q2.pk}": [str(i.pk) for i in i2]})
    response = client.post(ballot.get_absolute_url(), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'aria-describedby="q{q2.pk}-hint q{q2.pk}-error"' in page
    assert f'id="q{q2.pk}-error"' in page and "at most 2" in page
    assert 'value="yes" ' in page and "checked" in page  # the yes/no answer is kept
    assert not Participation.objects.exists() and not Choice.objects.exists()


def test_vote_without_consent_is_refused_and_nothing_recorded(
    client, ballot, resident, dong
):
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    data = form_data(ballot, dong)
    del data["consent"]
    response = client.post(ballot.get_absolute_url(), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert not Participation.objects.exists()


def test_officer_checks_in_by_pass_and_enters_a_count(
    client, ballot, officer, resident
):
    client.force_login(officer)
    box = ballot.boxes.get()
    token = services.pass_token(ballot, resident)
    response = client.post(
        reverse("votes:officer", args=[ballot.pk]),
        {"token": token, "box": box.pk, "action": "check_in"},
    )
    assert response.status_code == 302
    assert Participation.objects.get(user=resident).channel == "pass_scan"
    again = client.post(
        reverse("votes:officer", args=[ballot.pk]),
        {"token": token, "box": box.pk, "action": "check_in"},
    )
    assert again.status_code == 400 and "already voted" in again.content.decode()
    (q1, *_), (i1, *_) = questions(ballot)
    key = tally.count_key(q1.pk, i1[0].pk, "yes")
    bad = client.post(
        reverse("votes:box", args=[ballot.pk, box.pk]), {"paper_voters": 0, key: 5}
    )
    assert bad.status_code == 400 and "More marks than voters" in bad.content.decode()
    ok = client.post(
        reverse("votes:box", args=[ballot.pk, box.pk]), {"paper_voters": 2, key: 3}
    )
    assert ok.status_code == 302 and box.entries.count() == 1
    desk = client.get(reverse("votes:officer", args=[ballot.pk])).content.decode()
    assert "Every count entered" in desk and "Waiting for a second officer" in desk


def test_open_data_matches_the_published_fingerprint(
    client, ballot, leader, officer, resident, dong
):
    services.vote_cast(
        user=resident,
        ballot=ballot,
        declaration=services.Declaration(dong.pk, "18+", "resident", True),
        answers={
            q.pk: {q.items.first().pk: "no"}
            for q in ballot.questions.filter(kind="yes_no")
        },
    )
    box = ballot.boxes.get()
    for who in (officer, leader):
        services.box_count_enter(officer=who, box=box, paper_voters=0, counts={})
    assert client.get(reverse("votes:data_json", args=[ballot.pk])).status_code == 404
    ballot.closes_at = timezone.now() - timedelta(seconds=1)
    ballot.save()
    services.ballot_certify(actor=leader, ballot=ballot)
    ballot.refresh_from_db()
    body = client.get(reverse("votes:data_json", args=[ballot.pk])).content
    assert hashlib.sha256(body).hexdigest() == ballot.fingerprint
    data = json.loads(body)
    assert tally.result_from_data(data) == ballot.result
    assert "receipt" not in body.decode()
    csv_text = client.get(reverse("votes:data_csv", args=[ballot.pk])).content.decode()
    assert csv_text.splitlines()[1].startswith("online,")
    page = client.get(ballot.get_absolute_url()).content.decode()
    assert ballot.fingerprint in page


def test_poster_pass_and_screen_render(client, ballot, resident):
    poster = client.get(reverse("votes:poster", args=[ballot.pk]))
    assert poster["Content-Type"].startswith("image/svg+xml")
    assert b"<path" in poster.content and b"210mm" in poster.content
    from xml.etree import ElementTree

    assert ElementTree.fromstring(poster.content).tag.endswith("svg")
    client.force_login(resident)
    pass_page = client.get(reverse("votes:pass", args=[ballot.pk])).content.decode()
    assert services.pass_token(ballot, resident) in pass_page and "<svg" in pass_page
    screen = client.get(reverse("votes:screen", args=[ballot.pk])).content.decode()
    assert "data-participants" in screen and "votes/screen.js" in screen


def test_open_ballot_shows_on_home_and_association_pages(client, ballot, dong):
    home = client.get("/").content.decode()
    assert ballot.title in home and ballot.get_absolute_url() in home
    page = client.get(dong.url).content.decode()
    assert ballot.title in page


def test_assembly_event_page_shows_the_agenda_and_boxes(client, leader, dong):
    from forums.models import Board

    board = Board.objects.get(slug="yeoksam-1")
    event = make_event(leader, board, title="2026 역삼1동 주민총회")
    event.kind = EventKind.GENERAL_ASSEMBLY
    event.save()
    ballot = make_ballot(
        leader, dong, assembly=event, other_business="기타 안건: 회칙 개정 안내"
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert (
        "2027 자치계획안" in page
        and "주민센터 상설투표함" in page
        and "회칙 개정" in page
    )
    assert ballot.get_absolute_url() in page


def test_index_lists_open_ballots(client, ballot):
    assert ballot.title in client.get(reverse("votes:index")).content.decode()


def test_a_vote_takes_a_bounded_number_of_queries(
    client, ballot, resident, dong, django_assert_max_num_queries
):
    client.force_login(resident)
    data = form_data(ballot, dong)
    # 33: the first signed-in page checks for a silence (district.moderation's banner, cached after).
    with django_assert_max_num_queries(33):
        response = client.post(ballot.get_absolute_url(), data)
    assert response.status_code == 200


def test_voter_changes_their_vote_with_the_receipt(client, leader, dong, resident):
    ballot = make_ballot(leader, dong, allow_revote=True)
    client.force_login(resident)
    code = client.post(ballot.get_absolute_url(), form_data(ballot, dong)).context[
        "receipt"
    ]
    page = client.get(ballot.get_absolute_url() + "?change=1").content.decode()
    assert 'name="receipt"' in page
    (q1, *_), (i1, *_) = questions(ballot)
    data = form_data(ballot, dong, receipt=code, **{f"q{q1.pk}-i{i1[0].pk}": "no"})
    for key in ("dong", "category", "age_band", "consent"):
        data.pop(key)
    response = client.post(ballot.get_absolute_url(), data)
    assert response.status_code == 200 and response.context["changed"]
    assert list(
        Choice.objects.filter(question=q1).values_list("answer", flat=True)
    ) == ["no"]
    assert Participation.objects.count() == 1


def test_closed_ballot_shows_no_voting_form(client, leader, dong):
    ballot = make_ballot(leader, dong, opens_in=-7, closes_in=-1)
    page = client.get(ballot.get_absolute_url()).content.decode()
    assert (
        "Voting has closed" in page
        and "/accounts/login/" not in page.split("vote-section")[-1][:0] + ""
    )
    assert 'class="vote-section"' not in page


def test_refusal_is_in_the_voters_language(client, ballot, resident, dong):
    client.force_login(resident)
    client.post(ballot.get_absolute_url(), form_data(ballot, dong))
    english = client.post(
        ballot.get_absolute_url(), form_data(ballot, dong)
    ).content.decode()
    client.cookies["django_language"] = "ko"
    korean = client.get(
        ballot.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "You have already voted" in english
    assert "You have already voted" not in korean and 'lang="ko"' in korean
