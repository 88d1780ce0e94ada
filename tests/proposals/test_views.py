import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from forums.models import Report
from proposals import services
from proposals.models import Phase, Proposal, Status
from tests.proposals.conftest import make_cycle, make_proposal, set_phase


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        client.cookies["django_language"] = (
            "en"  # the messages asserted below are the English ones
        )
        return client

    return sign_in


def form_data(**overrides):
    return {
        "title": "놀이터 그늘막 설치",
        "description": "여름에 아이들이 쉴 수 있게 그늘막을 설치해 주세요.",
        "category": "welfare",
        "cost": "3000000",
        "place": "역삼 어린이공원",
        "map_url": "",
        "audience": "",
        "co_proposers": "",
        "image_alts": "",
        "action": "submit",
        **overrides,
    }


def test_resident_proposes_through_the_form_with_an_image(signed_in, author, cycle):
    client = signed_in(author)
    data = form_data(image_alts="놀이터 사진")
    data["images"] = SimpleUploadedFile("park.png", png_bytes(), "image/png")
    response = client.post(reverse("proposals:new", args=[cycle.pk]), data)
    proposal = Proposal.objects.get(title="놀이터 그늘막 설치")
    assert response.status_code == 302
    assert proposal.status == Status.SUBMITTED
    assert proposal.images.get().alt_text == "놀이터 사진"
    page = client.get(proposal.get_absolute_url())
    assert "놀이터 사진" in page.content.decode()


def test_an_upload_that_is_not_an_image_is_refused_and_keeps_the_text(
    signed_in, author, cycle
):
    client = signed_in(author)
    data = form_data(image_alts="사진")
    data["images"] = SimpleUploadedFile("notes.png", b"not a picture", "image/png")
    response = client.post(reverse("proposals:new", args=[cycle.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "notes.png" in body and "not an image" in body
    assert "여름에 아이들이 쉴 수 있게" in body
    assert not Proposal.objects.exists()


def test_negative_cost_is_refused_with_a_message_in_korean(signed_in, author, cycle):
    client = signed_in(author)
    response = client.post(
        reverse("proposals:new", args=[cycle.pk]),
        form_data(cost="-5"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "놀이터 그늘막 설치" in body and 'id="id_cost_error"' in body


def test_proposing_outside_the_phase_shows_why(signed_in, author, dong):
    cycle = make_cycle(dong, Phase.SELECTION)
    response = signed_in(author).post(
        reverse("proposals:new", args=[cycle.pk]), form_data()
    )
    assert response.status_code == 400
    assert (
        "proposing phase" in response.content.decode()
        or "제안" in response.content.decode()
    )
    assert not Proposal.objects.exists()


def test_draft_is_private_until_submitted(signed_in, author, resident, cycle, client):
    proposal = make_proposal(author, cycle, submit=False)
    url = proposal.get_absolute_url()
    assert signed_in(resident).get(url).status_code == 404
    client.logout()
    assert signed_in(author).get(url).status_code == 200
    client.post(reverse("proposals:submit", args=[proposal.pk]))
    client.logout()
    assert client.get(url).status_code == 200


def test_support_button_then_count_shown(signed_in, resident, proposal):
    client = signed_in(resident)
    client.post(reverse("proposals:support", args=[proposal.pk]), {"action": "support"})
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "data-supports>1<" in page
    assert "Withdraw my support" in page or "withdraw" in page


def test_supporting_twice_gives_a_message(signed_in, resident, proposal):
    client = signed_in(resident)
    url = reverse("proposals:support", args=[proposal.pk])
    client.post(url, {"action": "support"})
    response = client.post(url, {"action": "support"}, follow=True)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    shown = [str(m) for m in response.context["messages"]]
    assert any("already support" in m for m in shown)


def test_decision_without_reason_keeps_the_form(signed_in, leader, proposal):
    set_phase(proposal.cycle, Phase.SCREENING)
    response = signed_in(leader).post(
        reverse("proposals:decide", args=[proposal.pk]),
        {"decide-status": "declined", "decide-reason": ""},
    )
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_leader_moves_a_proposal_on_with_a_reason(signed_in, leader, proposal):
    response = signed_in(leader).post(
        reverse("proposals:advance", args=[proposal.pk]),
        {"advance-reason": "주민자치회 회의에서 검토하기로 함"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.SCREENING
    page = signed_in(leader).get(proposal.get_absolute_url()).content.decode()
    assert "주민자치회 회의에서 검토하기로 함" in page


def test_similar_titles_are_suggested(author, cycle, client):
    make_proposal(author, cycle, title="골목길 가로등 설치")
    make_proposal(author, cycle, title="공원 벤치 교체")
    response = client.get(
        reverse("proposals:similar", args=[cycle.pk]), {"q": "가로등 늘려주세요"}
    )
    titles = [r["title"] for r in response.json()["results"]]
    assert titles == ["골목길 가로등 설치"]


def test_report_goes_to_the_forums_queue(signed_in, resident, proposal):
    response = signed_in(resident).post(
        reverse("proposals:report", args=[proposal.pk]),
        {"report-reason": "spam", "report-note": ""},
    )
    assert response.status_code == 302
    assert Report.objects.get().post.thread == proposal.thread


def test_a_list_of_1000_renders_in_as_many_queries_as_10(
    client, author, cycle, django_assert_max_num_queries
):
    from tests.proposals.test_dashboard import bulk_proposals

    bulk_proposals(cycle, author, 10)
    url = reverse("proposals:index")
    client.get(url)
    with django_assert_max_num_queries(12) as ten:
        client.get(url, {"sort": "supported"})
    bulk_proposals(cycle, author, 990)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = client.get(url, {"sort": "supported"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 1000
    with django_assert_max_num_queries(len(ten.captured_queries) + 1):
        client.get(cycle.get_absolute_url(), {"category": "safety"})


def test_pages_render_in_every_language(client, proposal, cycle):
    for code in ("ko", "en", "zh-hans", "vi", "ja"):
        client.cookies["django_language"] = code
        for url in (
            reverse("proposals:index"),
            cycle.get_absolute_url(),
            proposal.get_absolute_url(),
            reverse("proposals:dashboard"),
        ):
            assert client.get(url).status_code == 200, (code, url)


def test_proposals_are_found_by_site_search_but_drafts_are_not(client, author, cycle):
    make_proposal(author, cycle, title="반려견 놀이터 조성")
    make_proposal(author, cycle, title="반려견 배변봉투함", submit=False)
    body = client.get(reverse("search"), {"q": "반려견"}).content.decode()
    assert "반려견 놀이터 조성" in body
    assert "반려견 배변봉투함" not in body


def test_search_lists_current_proposals_before_their_discussion_copies_and_withdrawn_ones(
    client, author, cycle
):
    """The newest match would come first: here the withdrawn one, and each proposal's thread repeats it."""
    current = [
        make_proposal(author, cycle, title="반려견 쉼터 설치"),
        make_proposal(author, cycle, title="반려견 놀이터 조성"),
    ]
    withdrawn = make_proposal(author, cycle, title="반려견 산책로 조성")
    services.proposal_withdraw(actor=author, proposal=withdrawn, reason="중복")
    body = client.get(reverse("search"), {"q": "반려견"}).content.decode()
    results = body.split('<ol class="search-results">', 1)[1].split("</ol>", 1)[0]
    links = re.findall(r'<a href="([^"]+)"', results)
    assert set(links[:2]) == {proposal.get_absolute_url() for proposal in current}
    assert withdrawn.get_absolute_url() in links[2:]


def test_implemented_without_completion_date_keeps_what_was_typed(
    signed_in, leader, author, cycle
):
    proposal = make_proposal(author, cycle)
    services.proposal_advance(actor=leader, proposal=proposal, reason="검토")
    services.proposal_screen(
        actor=leader,
        proposal=proposal,
        department="도로과",
        cost_estimate=None,
        note="",
        reason="가능",
    )
    set_phase(cycle, Phase.SELECTION)
    services.proposal_decide(
        actor=leader, proposal=proposal, status=Status.SELECTED, reason="채택"
    )
    set_phase(cycle, Phase.IMPLEMENTATION)
    client = signed_in(leader)
    assert "Report progress" in client.get(proposal.get_absolute_url()).content.decode()
    url = reverse("proposals:progress", args=[proposal.pk])
    data = {
        "progress-percent": "100",
        "progress-text": "가로등 설치를 마쳤습니다",
        "progress-on_date": "2026-11-01",
        "progress-status": "implemented",
        "progress-reason": "준공",
        "progress-completed_on": "",
        "progress-photo_alt": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "가로등 설치를 마쳤습니다" in response.content.decode()
    services.proposal_progress(
        actor=leader,
        proposal=proposal,
        percent=10,
        text="예산 배정",
        on_date=proposal.cycle.implementation_from,
        status=Status.FUNDED,
        reason="배정",
    )
    data["progress-completed_on"] = "2026-11-02"
    assert client.post(url, data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.IMPLEMENTED
    assert "준공" in client.get(proposal.get_absolute_url()).content.decode()


def test_author_edits_and_withdraws(signed_in, author, cycle):
    proposal = make_proposal(author, cycle)
    client = signed_in(author)
    assert client.get(reverse("proposals:edit", args=[proposal.pk])).status_code == 200
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]),
        form_data(title="놀이터 그늘막 두 개 설치", category="welfare"),
    )
    assert response.status_code == 302
    assert (
        client.get(reverse("proposals:withdraw", args=[proposal.pk])).status_code == 200
    )
    client.post(reverse("proposals:withdraw", args=[proposal.pk]), {"reason": ""})
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == (
        "놀이터 그늘막 두 개 설치",
        Status.WITHDRAWN,
    )


def test_leader_closes_the_phase_early_with_a_reason(signed_in, leader, cycle):
    client = signed_in(leader)
    url = reverse("proposals:close_phase", args=[cycle.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "예산이 조기에 확정됨"}).status_code == 302
    page = client.get(cycle.get_absolute_url()).content.decode()
    assert "예산이 조기에 확정됨" in page


def test_home_and_association_pages_show_what_residents_can_do_now(client, cycle, dong):
    client.cookies["django_language"] = "en"
    for url in ("/", dong.url):
        body = client.get(url).content.decode()
        assert cycle.get_absolute_url() in body, url
        assert "Proposals open until" in body, url
