import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from district import live
from district.live import events_since
from district.models import LiveEvent

pytestmark = pytest.mark.django_db


def test_old_live_events_are_pruned_and_clients_that_far_behind_resync():
    with live.atomic():
        live.publish("thread:1", "post.created", {"post_id": 1})
        live.publish("thread:1", "post.created", {"post_id": 2})
    LiveEvent.objects.filter(seq=1).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    call_command("prune_live_events", stdout=io.StringIO())
    assert list(LiveEvent.objects.values_list("seq", flat=True)) == [2]
    assert [e.seq for e in events_since("thread:1", 1)] == [2]
    assert events_since("thread:1", 0) is None
