"""Demo events for `seed_district --demo`, written through the event services: programmes, meetings, sign-ups, a proposal."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from events import services
from forums.models import Board

PROGRAMMES = {
    # board: (title, description, weekday 0=Mon, hour, minutes, hours long, rule, places, languages, tags, place)
    "youth": (
        "청년 저녁 스터디 모임",
        "평일 저녁, 주민센터 회의실에서 함께 공부하고 이야기해요. **누구나** 환영합니다.",
        3,
        19,
        30,
        2,
        "FREQ=WEEKLY;COUNT=8",
        12,
        "한국어",
        ["청년", "스터디"],
        "역삼1동 주민센터 3층 회의실",
    ),
    "seniors": (
        "어르신 스마트폰 교실",
        "사진 보내기, 영상 통화, 글씨 크게 하기를 배웁니다. 스마트폰을 가져오세요.",
        1,
        14,
        0,
        2,
        "FREQ=WEEKLY;COUNT=6",
        20,
        "한국어",
        ["어르신", "디지털"],
        "대치1동 주민센터 2층 강당",
    ),
    "foreign-residents": (
        "Korean conversation café / 한국어 회화 카페",
        "Practise Korean with neighbours over tea. 이웃과 차를 마시며 한국어로 이야기해요. Beginners welcome.",
        5,
        10,
        0,
        2,
        "FREQ=WEEKLY;INTERVAL=2;COUNT=6",
        15,
        "한국어, English, 中文, Tiếng Việt",
        ["외국인", "한국어"],
        "강남구 글로벌빌리지센터",
    ),
}


def _next(weekday: int, hour: int, minute: int, today: date) -> datetime:
    days = (weekday - today.weekday()) % 7 or 7
    return timezone.make_aware(
        datetime.combine(today + timedelta(days=days), time(hour, minute))
    )


def events_demo_seed() -> int:
    """Recurring programmes on the audience boards, a monthly meeting on every association board, a few sign-ups and one proposal; once."""
    User = get_user_model()
    today = timezone.localdate()
    residents = list(User.objects.filter(email__startswith="resident").order_by("id"))
    created = 0
    for slug, (
        title,
        text,
        weekday,
        hour,
        minute,
        hours,
        rule,
        places,
        languages,
        tags,
        place,
    ) in PROGRAMMES.items():
        board = Board.objects.filter(slug=slug).first()
        organiser = User.objects.filter(email=f"facilitator.{slug}@example.org").first()
        if board is None or organiser is None or board.events.exists():
            continue
        start = _next(weekday, hour, minute, today)
        event = services.event_create(
            organiser=organiser,
            board=board,
            title=title,
            description=text,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            recurrence=rule,
            capacity=places,
            languages=languages,
            location_name=place,
            tags=tags,
        )
        first = event.occurrences.order_by("starts_at").first()
        for resident in residents[: places + 3 : 3]:
            services.rsvp_set(user=resident, occurrence=first, going=True)
        created += 1
    boards = Board.objects.filter(dong__isnull=False).select_related("dong")
    for number, board in enumerate(boards.order_by("position")):
        leader = User.objects.filter(
            email=f"leader.{board.dong.slug}@example.org"
        ).first()
        if leader is None or board.events.exists():
            continue
        # Spread the 22 monthly meetings over four weeks and five evenings.
        start = _next(number % 5, 19, 0, today) + timedelta(days=7 * (number % 4))
        services.event_create(
            organiser=leader,
            board=board,
            title=f"{board.dong.title} 주민자치회 정기회의",
            description="매월 열리는 정기회의입니다. 주민 누구나 참관할 수 있습니다.",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            recurrence="FREQ=MONTHLY;COUNT=6",
            location_name=f"{board.dong.title} 주민센터 2층 회의실",
            languages="한국어",
            tags=["정기회의"],
        )
        created += 1
    board = Board.objects.filter(dong__isnull=False).order_by("position").first()
    if (
        board is not None
        and residents
        and not board.events.filter(review_state="pending").exists()
    ):
        start = _next(5, 10, 0, today) + timedelta(days=7)
        services.event_propose(
            proposer=residents[0],
            board=board,
            title="골목 벼룩시장",
            description="안 쓰는 물건을 나누고 바꿔요. 자리 신청은 댓글로!",
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            capacity=30,
            location_name="동네 놀이터 앞",
        )
    return created
