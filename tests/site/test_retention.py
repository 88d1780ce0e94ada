"""Retention (issue #15): the daily sweep deletes what is past its stated period, and nothing younger."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from district.exports import data_export_request, storage
from district.models import AccessLogEntry, DataExport, Notification
from district.retention import retention_sweep
from district.services import notification_create
from dong.models import DongPage
from tests.conftest import TEST_PASSWORD
from tests.votes.conftest import answers_for, declaration, make_ballot
from votes import services as vote_services
from votes.models import ClosedAccountVoice

User = get_user_model()
LATER = timedelta(days=8)


def _unverified(email: str, days_ago: int):
    user = User.objects.create_user(username=email, email=email, password="x")
    EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    User.objects.filter(pk=user.pk).update(
        date_joined=timezone.now() - timedelta(days=days_ago)
    )
    return user


def test_unverified_accounts_go_after_seven_days(db, make_user):
    old = _unverified("old@example.org", 8)
    new = _unverified("new@example.org", 2)
    verified = make_user()
    User.objects.filter(pk=verified.pk).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    done = retention_sweep()
    assert done["unverified_accounts"] == 1
    assert not User.objects.filter(pk=old.pk).exists()
    assert User.objects.filter(pk__in=[new.pk, verified.pk]).count() == 2


def test_closed_accounts_are_not_swept_as_unverified(make_user):
    from district.accounts import account_close

    user = make_user()
    account_close(user=user, password=TEST_PASSWORD)
    User.objects.filter(pk=user.pk).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    retention_sweep()
    assert User.objects.filter(pk=user.pk).exists()


def test_data_exports_go_after_seven_days_file_and_all(
    make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=make_user())
    export.refresh_from_db()
    assert export.file_name and storage().exists(export.file_name)
    assert retention_sweep()["data_exports"] == 0
    assert retention_sweep(now=timezone.now() + LATER)["data_exports"] == 1
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert not storage().exists(export.file_name)


def test_read_notifications_go_after_a_year(make_user):
    user = make_user()
    n = notification_create(user=user, kind="reply")
    Notification.objects.filter(pk=n.pk).update(read_at=timezone.now())
    unread = notification_create(user=user, kind="reply")
    later = timezone.now() + timedelta(days=366)
    assert retention_sweep(now=later)["notifications"] == 1
    assert list(Notification.objects.filter(user=user)) == [unread]


def test_access_log_kept_at_least_two_years(make_user, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30  # refused: never under two years
    AccessLogEntry.objects.create(actor=make_user(), action="view", what="x")
    assert retention_sweep(now=timezone.now() + timedelta(days=700))["access_log"] == 0
    assert AccessLogEntry.objects.count() == 1
    assert retention_sweep(now=timezone.now() + timedelta(days=731))["access_log"] == 1


def test_closed_voices_go_when_the_ballot_closes(make_user, district):
    from district.accounts import account_close

    dong = DongPage.objects.get(slug="yeoksam-1")
    ballot = make_ballot(make_user(groups=[dong.leaders_group]), dong, closes_in=3)
    voter = make_user(home_dong=dong)
    vote_services.vote_cast(
        user=voter,
        ballot=ballot,
        declaration=declaration(dong),
        answers=answers_for(ballot),
    )
    account_close(user=voter, password=TEST_PASSWORD)
    assert retention_sweep()["closed_account_voices"] == 0
    assert (
        retention_sweep(now=timezone.now() + timedelta(days=4))["closed_account_voices"]
        == 1
    )
    assert not ClosedAccountVoice.objects.exists()


def test_command_prints_each_sweep(db, capsys):
    call_command("privacy_retention")
    out = capsys.readouterr().out
    for name in ("unverified_accounts", "data_exports", "email_log", "access_log"):
        assert f"{name}: " in out


@pytest.mark.parametrize("name", ["UNVERIFIED_ACCOUNT_DAYS", "DATA_EXPORT_DAYS"])
def test_periods_are_settings(settings, name):
    assert getattr(settings, name) == 7
