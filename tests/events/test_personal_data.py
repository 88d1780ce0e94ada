"""Personal data in events (PIPA): the event form asks before a phone number, and an RRN is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events.forms import EventForm
from events.models import Event
from tests.events.conftest import make_event, soon


def form_data(**overrides):
    start = soon()
    return {
        "title": "어르신 차 모임",
        "description": "문의 02-3423-1234",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": start.replace(hour=16).strftime("%Y-%m-%dT%H:%M"),
        "tags": "",
        **overrides,
    }


def test_event_form_asks_before_a_phone_number():
    with translation.override("en"):
        form = EventForm(form_data())
        assert not form.is_valid()
        assert "phone number (02-3423-1234)" in form.errors["confirm_personal_data"][0]
    assert EventForm(form_data(confirm_personal_data="on")).is_valid()


def test_event_form_refuses_an_rrn_in_the_place():
    form = EventForm(
        form_data(description="", address="900101-1234567", confirm_personal_data="on")
    )
    assert not form.is_valid()
    assert "address" in form.errors


def test_event_services_refuse_an_rrn(leader, board):
    with pytest.raises(ValidationError) as error:
        make_event(leader, board, description="주민번호 900101-1234567")
    assert "description" in error.value.message_dict
    event = make_event(leader, board)
    from events import services

    with pytest.raises(ValidationError):
        services.event_update(
            actor=leader, event=event, title="모임 900101 1234567 안내"
        )
    assert not Event.objects.filter(title__contains="900101").exists()
