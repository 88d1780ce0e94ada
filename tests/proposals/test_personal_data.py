"""Personal data in proposals (PIPA): the form asks before an e-mail address, and an RRN is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from proposals.forms import ProposalForm
from proposals.models import Proposal
from tests.proposals.conftest import make_proposal
from tests.proposals.test_views import form_data


def test_proposal_form_asks_before_an_email_address():
    form = ProposalForm(form_data(description="자세한 건 kim@example.com 으로"))
    assert not form.is_valid()
    assert (
        "an e-mail address (kim@example.com)" in form.errors["confirm_personal_data"][0]
    )
    confirmed = form_data(
        description="자세한 건 kim@example.com 으로", confirm_personal_data="on"
    )
    assert ProposalForm(confirmed).is_valid()


def test_proposal_page_refuses_an_rrn(client, author, cycle):
    client.force_login(author)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("proposals:new", args=[cycle.pk]),
        form_data(description="제 번호는 900101-1234567", confirm_personal_data="on"),
    )
    assert response.status_code == 400
    assert "resident registration number" in response.content.decode()
    assert not Proposal.objects.filter(description__contains="900101").exists()


def test_proposal_services_refuse_an_rrn(author, cycle):
    with pytest.raises(ValidationError) as error:
        make_proposal(
            author, cycle, description="주민번호 9001011234567 아님 900101-1234567"
        )
    assert "description" in error.value.message_dict
