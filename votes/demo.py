"""Demo votes for `seed_district --demo`, through the votes services: last year's certified assembly and this year's open pre-vote.

Both belong to 역삼1동 (slug `yeoksam-1`). Last year's ballot is voted,
counted by two officers, closed and certified through the services like any
other; only then are its dates moved back a year (a demo has no last year).
Idempotent: a ballot with the same title in the association is never added
twice.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from dong.models import DongPage
from events import services as event_services
from events.models import Event, EventKind
from forums.models import Board
from votes import services, tally
from votes.models import Ballot
from votes.services import BoxSpec, Declaration, ItemSpec, QuestionSpec

SLUG = "yeoksam-1"
PROPOSALS = (
    "골목길 LED 보안등 설치",
    "경로당 건강 체조 교실",
    "어린이 책 놀이터",
    "반려견 산책 예절 캠페인",
)


def _assembly(leader, board: Board, title: str, start: datetime, place: str) -> Event:
    event = board.events.filter(title=title).first()
    if event is None:
        event = event_services.event_create(
            organiser=leader,
            board=board,
            title=title,
            description="주민 누구나 참석해 자치계획안과 주민제안 사업을 함께 결정합니다.",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            location_name=place,
        )
    Event.objects.filter(pk=event.pk).update(kind=EventKind.GENERAL_ASSEMBLY)
    return event


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _questions(year: int) -> list[QuestionSpec]:
    return [
        QuestionSpec(
            f"{year + 1}년 역삼1동 자치계획안에 찬성하십니까?",
            "yes_no",
            (
                ItemSpec(
                    f"{year + 1}년 자치계획안",
                    "주민자치회가 1년 동안 할 일과 예산 계획입니다.",
                ),
            ),
        ),
        QuestionSpec(
            "주민제안 사업 중 마음에 드는 것을 2개까지 고르세요.",
            "choice",
            tuple(ItemSpec(title) for title in PROPOSALS),
            max_picks=2,
            winners=2,
        ),
    ]


def votes_demo_seed() -> int:
    """Last year's certified assembly (with its draft minutes) and an open pre-vote in 역삼1동; once."""
    User = get_user_model()
    dong = DongPage.objects.filter(slug=SLUG).first()
    board = (
        Board.objects.filter(dong=dong).order_by("position").first() if dong else None
    )
    leader = User.objects.filter(email=f"leader.{SLUG}@example.org").first()
    staff = User.objects.filter(email="staff@example.org").first()
    if dong is None or board is None or leader is None or staff is None:
        return 0
    today = timezone.localdate()
    created = 0
    last_year = today.year - 1
    past_title = f"{last_year}년 역삼1동 주민총회"
    if not Ballot.objects.filter(dong=dong, title=past_title).exists():
        _past_ballot(dong, board, leader, staff, past_title, last_year)
        created += 1
    open_title = f"{today.year}년 역삼1동 주민총회 사전투표"
    if not Ballot.objects.filter(dong=dong, title=open_title).exists():
        assembly_day = today + timedelta(days=12)
        assembly = _assembly(
            leader,
            board,
            f"{today.year}년 역삼1동 주민총회",
            _at(assembly_day, 14),
            "역삼1동 주민센터 3층 강당",
        )
        services.ballot_create(
            actor=leader,
            dong=dong,
            title=open_title,
            description=(
                "올해 주민총회에 올라갈 **자치계획안**과 **주민제안 사업**에 미리 투표해 주세요. "
                "사전투표와 총회 당일 현장투표를 합산해 총회에서 결과를 발표합니다."
            ),
            opens_at=timezone.now() - timedelta(hours=1),
            closes_at=_at(assembly_day, 17),
            questions=_questions(today.year),
            boxes=[
                BoxSpec(
                    "주민센터 상설투표함",
                    "permanent",
                    "역삼1동 주민센터 1층 민원실",
                    "평일 09:00–18:00",
                ),
                BoxSpec(
                    "찾아가는 투표소: 역삼 아파트 광장",
                    "visiting",
                    "역삼 래미안 아파트 중앙 광장",
                    "토요일 10:00–13:00",
                ),
                BoxSpec(
                    "총회 당일 현장투표",
                    "assembly",
                    "역삼1동 주민센터 3층 강당",
                    "총회 당일 14:00–16:00",
                ),
            ],
            assembly=assembly,
            other_business="주민자치회 위원 활동 보고, 자유 발언",
            allow_workers=True,
            publish=True,
        )
        created += 1
    return created


def _past_ballot(dong, board, leader, staff, title: str, year: int) -> None:
    User = get_user_model()
    now = timezone.now()
    assembly = _assembly(
        leader,
        board,
        f"{year}년 역삼1동 주민총회",
        _at(now.date() - timedelta(days=365), 14),
        "역삼1동 주민센터 3층 강당",
    )
    ballot = services.ballot_create(
        actor=leader,
        dong=dong,
        title=title,
        description="지난해 주민총회의 투표입니다. 결과는 인증되어 공개되었습니다.",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1),
        questions=_questions(year),
        boxes=[BoxSpec("총회 당일 현장투표", "assembly", "역삼1동 주민센터 3층 강당")],
        assembly=assembly,
        allow_workers=True,
        publish=True,
    )
    (plan, projects) = list(ballot.questions.order_by("position"))
    plan_item = plan.items.get()
    project_items = list(projects.items.all())
    voters = User.objects.filter(email__startswith="resident", is_active=True).order_by(
        "id"
    )[:12]
    for n, voter in enumerate(voters):
        resident = getattr(voter.profile, "home_dong_id", None) == dong.pk
        services.vote_cast(
            user=voter,
            ballot=ballot,
            declaration=Declaration(
                dong.pk, "18+", "resident" if resident else "works", True
            ),
            answers={
                plan.pk: {plan_item.pk: ("yes", "yes", "no", "abstain")[n % 4]},
                projects.pk: [project_items[n % 4].pk, project_items[(n + 1) % 4].pk],
            },
        )
    box = ballot.boxes.get()
    counts = {
        tally.count_key(plan.pk, plan_item.pk, "yes"): 31,
        tally.count_key(plan.pk, plan_item.pk, "no"): 6,
        tally.count_key(plan.pk, plan_item.pk, "abstain"): 3,
        tally.count_key(projects.pk, project_items[0].pk, "pick"): 27,
        tally.count_key(projects.pk, project_items[2].pk, "pick"): 22,
        tally.count_key(projects.pk, project_items[1].pk, "pick"): 15,
        tally.count_key(projects.pk, project_items[3].pk, "pick"): 9,
    }
    for officer in (leader, staff):
        services.box_count_enter(
            officer=officer, box=box, paper_voters=40, counts=counts
        )
    services.ballot_close(actor=leader, ballot=ballot)
    services.ballot_certify(actor=leader, ballot=ballot)
    # Only now, with everything counted and certified, move the ballot to last year's dates.
    Ballot.objects.filter(pk=ballot.pk).update(
        opens_at=assembly.starts_at - timedelta(days=14),
        closes_at=assembly.ends_at,
        closed_early_at=None,
        certified_at=assembly.ends_at + timedelta(hours=1),
    )
