from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from dong.models import DongPage
from votes import services
from votes.services import BoxSpec, Declaration, ItemSpec, QuestionSpec


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the translators keep the other languages)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def dong(district):
    return DongPage.objects.get(slug="yeoksam-1")


@pytest.fixture
def other_dong(district):
    return DongPage.objects.get(slug="yeoksam-2")


@pytest.fixture
def leader(make_user, dong):
    return make_user(groups=[dong.leaders_group])


@pytest.fixture
def other_leader(make_user, other_dong):
    return make_user(groups=[other_dong.leaders_group])


@pytest.fixture
def staff(make_user):
    return make_user(groups=[Group.objects.get(name="District staff")])


@pytest.fixture
def resident(make_user, dong):
    return make_user(home_dong=dong)


@pytest.fixture
def officer(make_user, dong):
    return make_user(home_dong=dong)


def make_ballot(leader, dong, *, opens_in=-1, closes_in=7, officers=(), **options):
    """A published ballot: a yes/no question on the plan, a pick-2 choice and a ranked question, one box."""
    now = timezone.now()
    return services.ballot_create(
        actor=leader,
        dong=dong,
        title=options.pop("title", "2026 주민총회"),
        opens_at=now + timedelta(days=opens_in),
        closes_at=now + timedelta(days=closes_in),
        questions=options.pop(
            "questions",
            [
                QuestionSpec(
                    "자치계획안에 찬성하십니까?",
                    "yes_no",
                    (ItemSpec("2027 자치계획안"),),
                ),
                QuestionSpec(
                    "주민제안 사업을 고르세요",
                    "choice",
                    (
                        ItemSpec("골목 화단"),
                        ItemSpec("경로당 탁구대"),
                        ItemSpec("어린이 도서관"),
                    ),
                    max_picks=2,
                    winners=2,
                ),
                QuestionSpec(
                    "우선순위",
                    "ranked",
                    (ItemSpec("A"), ItemSpec("B"), ItemSpec("C")),
                    max_picks=2,
                    winners=1,
                ),
            ],
        ),
        boxes=options.pop(
            "boxes", [BoxSpec("주민센터 상설투표함", "permanent", "역삼1동 주민센터")]
        ),
        officers=officers,
        publish=options.pop("publish", True),
        **options,
    )


def declaration(dong, **overrides):
    values = {
        "dong_id": dong.pk,
        "age_band": "18+",
        "category": "resident",
        "consent": True,
    }
    values.update(overrides)
    return Declaration(**values)


def questions(ballot):
    qs = list(ballot.questions.order_by("position"))
    return qs, [list(q.items.all()) for q in qs]


def answers_for(ballot, yes="yes", picks=(0,), ranks=((0, 1),)):
    """Answers by item index: yes/no on question 1, picks on question 2, {index: rank} on question 3."""
    (q1, q2, q3), (i1, i2, i3) = questions(ballot)
    answers = {q1.pk: {i1[0].pk: yes}} if yes else {}
    if picks:
        answers[q2.pk] = [i2[n].pk for n in picks]
    if ranks:
        answers[q3.pk] = {i3[n].pk: r for n, r in ranks}
    return answers


@pytest.fixture
def ballot(leader, dong, officer):
    return make_ballot(leader, dong, officers=[officer])
