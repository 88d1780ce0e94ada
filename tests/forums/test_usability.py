"""Details residents tripped over on the forums (usability test, issue 12)."""

import pytest

from forums import services
from forums.models import ReactionKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(board, resident):
    return services.thread_create(
        author=resident, board=board, title="벤치 설치 제안", body="공원에 벤치를"
    )


def test_signed_out_visitor_sees_counts_as_text_and_a_sign_in_link_not_buttons(
    client, thread, neighbour
):
    post = thread.posts.get()
    services.reaction_toggle(user=neighbour, post=post, kind=ReactionKind.values[0])
    text = client.get(thread.get_absolute_url()).text
    reactions = text[text.index('class="reactions') :]
    reactions = reactions[: reactions.index("</p>")]
    assert "<button" not in reactions
    assert "reactions-readonly" in reactions
    assert f'href="/accounts/login/?next={thread.get_absolute_url()}"' in reactions


def test_report_note_is_not_marked_both_required_and_optional(
    client, thread, neighbour
):
    client.force_login(neighbour)
    post = thread.posts.get()
    text = client.get(f"/forums/p/{post.pk}/report/").text
    note = text[text.index('for="id_note"') :]
    note = note[: note.index("</label>")]
    assert 'class="optional"' not in note
    assert "required" not in note.lower()
    assert "id_note_helptext" in text


def test_reply_error_box_has_an_id_the_script_can_point_the_textarea_at(
    client, thread, neighbour
):
    client.force_login(neighbour)
    text = client.get(thread.get_absolute_url()).text
    assert 'id="reply-errors"' in text
