"""Demo conversations for `seed_district --demo`, written through the forum services."""

from django.contrib.auth import get_user_model

from forums import services
from forums.models import Board

CONVERSATIONS = {
    "youth": (
        "청년 모임 공간이 필요해요",
        "평일 저녁에 모여서 공부하거나 이야기할 수 있는 공간이 있으면 좋겠습니다. 주민센터 회의실을 쓸 수 있을까요?",
        [
            "좋은 생각이에요. 주민자치회 회의 때 안건으로 올려 보면 어떨까요?",
            "저도 참여하고 싶어요! 목요일 저녁이 좋습니다.",
        ],
    ),
    "seniors": (
        "어르신 스마트폰 교실 일정",
        "다음 달 스마트폰 교실은 매주 화요일 오후 2시에 열립니다. **사진 보내기**와 **영상 통화**를 배웁니다.",
        [
            "작년에 들었는데 정말 도움이 됐어요.",
            "글씨를 크게 하는 방법도 알려 주시면 좋겠습니다.",
        ],
    ),
    "foreign-residents": (
        "Recycling days in Gangnam / 분리수거 요일",
        "Hello neighbours! Which days do we put out recycling in Yeoksam? 역삼동 분리수거 요일이 궁금합니다.",
        [
            "역삼1동은 일요일~목요일 저녁에 내놓으면 됩니다.",
            "Cảm ơn! This is very helpful.",
        ],
    ),
}


def forums_demo_seed() -> int:
    """Start a conversation on each audience board and the first association boards, once."""
    residents = list(
        get_user_model().objects.filter(email__startswith="resident").order_by("id")
    )
    if len(residents) < 3:
        return 0
    created = 0
    plans = list(CONVERSATIONS.items())
    for board in (
        Board.objects.filter(dong__isnull=False)
        .select_related("dong")
        .order_by("position")[:3]
    ):
        plans.append(
            (
                board.slug,
                (
                    f"{board.dong.title} 골목길 주차 문제",
                    "저녁마다 골목에 주차된 차 때문에 **소방차가 지나가기 어렵습니다**. 함께 방법을 찾아봐요.",
                    [
                        "공영주차장 야간 개방을 건의하면 좋겠습니다.",
                        "다음 주민총회 안건으로 올려 주세요.",
                    ],
                ),
            )
        )
    for number, (slug, (title, body, replies)) in enumerate(plans):
        board = Board.objects.filter(slug=slug).first()
        if board is None or board.threads.exists():
            continue
        author = residents[(number * 3) % len(residents)]
        thread = services.thread_create(
            author=author, board=board, title=title, body=body, tags=["동네"]
        )
        for offset, text in enumerate(replies, start=1):
            services.post_create(
                author=residents[(number * 3 + offset) % len(residents)],
                thread=thread,
                body=text,
            )
        created += 1
    return created


def facilitators_ensure(*, password: str) -> list[str]:
    """One demo facilitator per audience board (`facilitator.<board>@example.org`)."""
    from django.contrib.auth.hashers import make_password

    from district.services import account_ensure

    password_hash = make_password(password)
    emails = []
    for board in Board.objects.filter(facilitators__isnull=False).select_related(
        "facilitators"
    ):
        email = f"facilitator.{board.slug}@example.org"
        account_ensure(
            email=email,
            password_hash=password_hash,
            display_name=f"{board.name} 진행자",
            groups=(board.facilitators,),
        )
        emails.append(email)
    return emails
