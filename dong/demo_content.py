"""Demo notices and minutes for `seed_district --demo`, created once per association."""

from datetime import timedelta

from django.utils import timezone

from dong.models import (
    DongPage,
    MeetingType,
    MinutesIndexPage,
    MinutesPage,
    NoticeIndexPage,
    NoticePage,
)

NOTICES = (
    (
        "{dong} 주민자치회 위원 모집",
        "주민자치회에서 함께 활동할 위원을 모집합니다.",
        ["모집", "주민자치회"],
    ),
    (
        "주민총회 안내",
        "올해 주민총회에서 마을 의제를 함께 결정합니다. 누구나 참석할 수 있습니다.",
        ["주민총회"],
    ),
)


def dong_demo_seed() -> int:
    """Two notices and one set of minutes per association, unless it already has notices."""
    created = 0
    today = timezone.localdate()
    for dong in DongPage.objects.order_by("path"):
        notices = NoticeIndexPage.objects.child_of(dong).first()
        minutes = MinutesIndexPage.objects.child_of(dong).first()
        if (
            notices is None
            or minutes is None
            or NoticePage.objects.child_of(notices).exists()
        ):
            continue
        for number, (title, summary, tags) in enumerate(NOTICES):
            notice = NoticePage(
                title=title.format(dong=dong.title),
                slug=f"notice-{number + 1}",
                date=today - timedelta(days=3 * number),
                summary=summary,
                body=f"<p>{summary}</p><p>문의: {dong.title} 주민센터</p>",
            )
            notice.tags.add(*tags)
            notices.add_child(instance=notice)
            notice.save_revision().publish()
            created += 1
        record = MinutesPage(
            title=f"{today:%Y년 %m월} 정기회의",
            slug=f"regular-{today:%Y-%m}",
            meeting_date=today - timedelta(days=10),
            meeting_type=MeetingType.REGULAR,
            attendance=18,
            agenda="<ul><li>골목길 주차 문제</li><li>어르신 스마트폰 교실</li></ul>",
            decisions=[
                ("decision", "공영주차장 야간 개방을 구청에 건의한다."),
                ("decision", "스마트폰 교실을 매주 화요일에 연다."),
            ],
        )
        minutes.add_child(instance=record)
        record.save_revision().publish()
        created += 1
    return created
