"""Account e-mails: the site's name, the recipient's language, their display name, links on a line of their own."""

import pytest
from django.core import mail
from django.utils import translation

from tests.site.test_accounts import signup_data

pytestmark = pytest.mark.django_db


def link_lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if "http" in line]


def test_the_sign_up_confirmation_is_branded_and_its_link_stands_alone(
    client, district
):
    client.cookies["django_language"] = "ko"
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302
    (message,) = mail.outbox
    with translation.override("ko"):
        brand = translation.gettext("Dongne")
        greeting = translation.gettext("Hello %(name)s,") % {"name": "새주민"}
    assert message.subject.startswith(f"[{brand}] ")
    assert message.body.startswith(greeting)
    assert "127.0.0.1" not in message.subject and "Hello from" not in message.body
    links = link_lines(message.body)
    # Each link is the whole line, so no mail client glues a Korean particle to it.
    assert links and all(
        line.strip().startswith("http") and " " not in line.strip() for line in links
    )
    assert any("/accounts/confirm-email/" in line for line in links)


def test_a_password_reset_is_written_in_the_recipients_language(client, make_user):
    user = make_user(email="vi.resident@example.org", display_name="Lan", language="en")
    client.cookies["django_language"] = (
        "ko"  # the request's language is not the recipient's
    )
    client.post("/accounts/password/reset/", {"email": user.email})
    (message,) = mail.outbox
    assert message.body.startswith("Hello Lan,")
    assert "[Dongne] " in message.subject
    assert any(
        "/accounts/password/reset/key/" in line for line in link_lines(message.body)
    )
    assert user.username not in message.body


def test_notification_e_mails_put_links_on_their_own_line():
    from django.template.loader import render_to_string

    body = render_to_string(
        "district/email/notification_body.txt",
        {
            "message": "새 답글",
            "url": "https://dongne.example/t/1/",
            "settings_url": "https://dongne.example/me/",
        },
    )
    assert "https://dongne.example/t/1/" in body.splitlines()
    assert "https://dongne.example/me/" in body.splitlines()
