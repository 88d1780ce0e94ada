"""`district.compiled.Compiled`: a read built once per thread, answering each call for its own values."""

import threading

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from district.compiled import Compiled
from district.models import Profile

pytestmark = pytest.mark.django_db(transaction=True)


def _profile_with_user(built: list[int]) -> Compiled[Profile]:
    def build(user):
        built.append(threading.get_ident())
        return Profile.objects.select_related("user").filter(user_id=user)[:1]

    return Compiled(build, "user")


def test_each_call_reads_its_own_row_fresh_with_its_relations(
    make_user, django_assert_num_queries
):
    built: list[int] = []
    read = _profile_with_user(built)
    mina = make_user(display_name="민아")
    joon = make_user(display_name="준")
    with django_assert_num_queries(1):
        [first] = read(user=mina.pk)
        assert first.user.email == mina.email  # loaded with the row, no query more
    [second] = read(user=joon.pk)
    assert second.user_id == joon.pk and second.display_name == "준"
    Profile.objects.filter(user=mina).update(display_name="민아 김")
    [again] = read(user=mina.pk)
    assert again.display_name == "민아 김"  # no result kept between calls
    assert again is not first
    assert read(user=10**9) == []
    assert len(built) == 1  # built once in this thread, whatever the values


def test_another_thread_builds_its_own_and_reads_its_own_values(make_user):
    built: list[int] = []
    read = _profile_with_user(built)
    mina = make_user(display_name="민아")
    joon = make_user(display_name="준")
    assert read(user=mina.pk)[0].display_name == "민아"
    seen = []

    def other():
        try:
            seen.append(read(user=joon.pk)[0].display_name)
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(10)
    assert seen == ["준"]
    assert read(user=mina.pk)[0].display_name == "민아"
    assert len(built) == 2 and len(set(built)) == 2  # once in each thread, kept apart


def test_an_id_no_column_holds_finds_nothing(make_user):
    read = _profile_with_user([])
    make_user()
    assert read(user=2**70) == []
    assert read(user=-(2**70)) == []


def test_a_parameter_the_sql_does_not_hold_is_refused():
    read = Compiled(lambda user: Profile.objects.all()[:1], "user")
    with pytest.raises(ValueError, match="user"):
        read(user=1)


@pytest.mark.postgres
def test_a_locking_read_locks_and_needs_a_transaction_as_the_queryset_does(
    make_user, django_assert_num_queries
):
    mina = make_user()
    read = Compiled(
        lambda user: Profile.objects.select_for_update().filter(user_id=user)[:1],
        "user",
    )
    with (
        transaction.atomic()
    ):  # built inside a transaction: the check is the helper's own
        with django_assert_num_queries(1) as captured:
            assert read(user=mina.pk)[0].user_id == mina.pk
        assert "FOR UPDATE" in captured.captured_queries[0]["sql"]
    with pytest.raises(TransactionManagementError):
        read(user=mina.pk)
