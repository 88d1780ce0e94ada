"""Demo budget cycles for `seed_district --demo`, written through the proposal services.

A past cycle (last year) in a few associations, with proposals in every
status so that the dashboard shows real shapes, and an open cycle (proposing
now) in every association. These are demo numbers, not the district's: the
pages and the README say so. Safe to run again: what exists is left alone.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import translation

from dong.models import DongPage
from proposals import services
from proposals.models import Cycle, Phase, Status, today

PAST_ASSOCIATIONS = 5
DEMO_NOTE = "(데모 데이터)"

# title, category, audience, language, cost, what becomes of it
PAST_PROPOSALS = (
    ("어린이공원 그늘막 설치", "welfare", "", "ko", 8_000_000, Status.IMPLEMENTED),
    (
        "골목길 LED 가로등 교체",
        "safety",
        "seniors",
        "ko",
        15_000_000,
        Status.IMPLEMENTED,
    ),
    (
        "Multilingual signs at the community centre",
        "multicultural",
        "foreign",
        "en",
        3_000_000,
        Status.IN_PROGRESS,
    ),
    ("청년 공유 공부방 운영", "youth", "youth", "ko", 12_000_000, Status.FUNDED),
    ("경로당 탁구대 구입", "seniors", "seniors", "ko", 2_000_000, Status.ABANDONED),
    ("마을 축제 작은 음악회", "culture", "", "ko", 6_000_000, Status.SELECTED),
    ("하천변 꽃길 조성", "environment", "", "ko", 20_000_000, Status.DECLINED),
    ("가로등 추가 설치 요청", "safety", "", "ko", 5_000_000, Status.MERGED),
    (
        "Lớp học tiếng Hàn cho cư dân nước ngoài",
        "multicultural",
        "foreign",
        "vi",
        4_000_000,
        Status.SCREENED,
    ),
    ("거주자 우선주차 공유", "other", "", "zh-hans", 30_000_000, Status.SCREENING),
    ("분리수거 안내판 설치", "environment", "", "ko", 1_000_000, Status.SUBMITTED),
    ("주민센터 자전거 거치대", "other", "", "ko", 2_500_000, Status.WITHDRAWN),
)

OPEN_PROPOSALS = (
    ("횡단보도 바닥 신호등 설치", "safety", "", "ko", 9_000_000),
    ("공원 운동기구 교체", "welfare", "seniors", "ko", 7_000_000),
)


def _dates(phase: str, day: date) -> dict:
    """Dates that put a cycle in `phase` on `day` (the organisers' own dates, as the admin sets them)."""
    names = (
        "proposing_from",
        "screening_from",
        "deliberation_from",
        "selection_from",
        "implementation_from",
        "ends_on",
    )
    order = [
        Phase.PROPOSING,
        Phase.SCREENING,
        Phase.DELIBERATION,
        Phase.SELECTION,
        Phase.IMPLEMENTATION,
    ]
    start = day - timedelta(days=30 * order.index(phase) + 10)
    return {name: start + timedelta(days=30 * i) for i, name in enumerate(names)}


def _set_phase(cycle: Cycle, phase: str) -> None:
    for name, value in _dates(phase, today()).items():
        setattr(cycle, name, value)
    cycle.save()


def _people():
    User = get_user_model()
    residents = list(User.objects.filter(email__startswith="resident").order_by("id"))
    return residents


def _propose(author, cycle, title, category, audience, language, cost):
    with translation.override(language):
        return services.proposal_create(
            author=author,
            cycle=cycle,
            title=title,
            description=f"{title}. 주민 제안입니다. {DEMO_NOTE}",
            category=category,
            audience=audience,
            cost=cost,
        )


def _past_cycle(dong: DongPage, leader, residents) -> int:
    year = today().year - 1
    name = f"{year} 주민참여예산"
    if Cycle.objects.filter(dong=dong, year=year).exists():
        return 0
    cycle = services.cycle_create(
        actor=None,
        cycle=Cycle(
            dong=dong,
            name=name,
            year=year,
            budget=100_000_000,
            **_dates(Phase.PROPOSING, today()),
        ),
    )
    made = []
    for n, (title, category, audience, language, cost, _end) in enumerate(
        PAST_PROPOSALS
    ):
        author = residents[n % len(residents)]
        made.append(_propose(author, cycle, title, category, audience, language, cost))
    # a little support from neighbours (never the author)
    for proposal in made[:6]:
        for resident in residents[:8]:
            if resident.pk != proposal.author_id:
                services.support_set(user=resident, proposal=proposal, support=True)
    ends = {p.pk: end for p, (*_rest, end) in zip(made, PAST_PROPOSALS, strict=True)}
    withdrawn = [p for p in made if ends[p.pk] == Status.WITHDRAWN]
    for proposal in withdrawn:
        services.proposal_withdraw(
            actor=proposal.author,
            proposal=proposal,
            reason="다른 제안과 합쳐 다시 내겠습니다.",
        )
    moving = [p for p in made if ends[p.pk] not in (Status.SUBMITTED, Status.WITHDRAWN)]
    _set_phase(cycle, Phase.SCREENING)
    for proposal in moving:
        proposal.refresh_from_db()
        if proposal.status == Status.SUBMITTED:
            services.proposal_advance(
                actor=leader,
                proposal=proposal,
                reason="주민자치회 분과 회의에서 검토하기로 했습니다.",
            )
        if ends[proposal.pk] == Status.SCREENING:
            continue
        if ends[proposal.pk] == Status.MERGED:
            services.proposal_decide(
                actor=leader,
                proposal=proposal,
                status=Status.MERGED,
                reason="같은 내용의 제안과 합쳤습니다.",
                merged_into=made[1],
            )
            continue
        services.proposal_screen(
            actor=leader,
            proposal=proposal,
            department="자치행정과",
            cost_estimate=proposal.cost,
            note="",
            reason="실현 가능성을 검토했습니다.",
        )
        if ends[proposal.pk] == Status.DECLINED:
            services.proposal_decide(
                actor=leader,
                proposal=proposal,
                status=Status.DECLINED,
                reason="하천 관리 주체가 서울시여서 구 예산으로 할 수 없습니다.",
            )
    _set_phase(cycle, Phase.SELECTION)
    chosen = [
        p
        for p in moving
        if ends[p.pk]
        in (
            Status.SELECTED,
            Status.FUNDED,
            Status.IN_PROGRESS,
            Status.IMPLEMENTED,
            Status.ABANDONED,
        )
    ]
    for proposal in chosen:
        services.proposal_decide(
            actor=leader,
            proposal=proposal,
            status=Status.SELECTED,
            reason="주민총회에서 채택되었습니다.",
        )
    _set_phase(cycle, Phase.IMPLEMENTATION)
    day = today()
    for proposal in chosen:
        end = ends[proposal.pk]
        if end == Status.SELECTED:
            continue
        if end == Status.ABANDONED:
            services.proposal_progress(
                actor=leader,
                proposal=proposal,
                percent=0,
                text="설치 공간을 찾지 못했습니다.",
                on_date=day,
                status=Status.ABANDONED,
                reason="경로당 공간이 부족해 추진하지 못했습니다.",
            )
            continue
        services.proposal_progress(
            actor=leader,
            proposal=proposal,
            percent=10,
            text="예산이 배정되었습니다.",
            on_date=day,
            status=Status.FUNDED,
            reason="예산 배정",
        )
        if end in (Status.IN_PROGRESS, Status.IMPLEMENTED):
            services.proposal_progress(
                actor=leader,
                proposal=proposal,
                percent=60,
                text="공사를 시작했습니다.",
                on_date=day,
                status=Status.IN_PROGRESS,
                reason="착공",
            )
        if end == Status.IMPLEMENTED:
            services.proposal_progress(
                actor=leader,
                proposal=proposal,
                percent=100,
                text="완료되었습니다.",
                on_date=day,
                status=Status.IMPLEMENTED,
                reason="준공",
                completed_on=day,
            )
    # Last year's dates, as the organisers had them (edited like the admin does).
    cycle.proposing_from = date(year, 3, 1)
    cycle.screening_from = date(year, 4, 1)
    cycle.deliberation_from = date(year, 5, 1)
    cycle.selection_from = date(year, 6, 1)
    cycle.implementation_from = date(year, 7, 1)
    cycle.ends_on = date(year + 1, 2, 1)
    cycle.save()
    return len(made)


def _open_cycle(dong: DongPage, number: int, residents) -> int:
    year = today().year
    if Cycle.objects.filter(dong=dong, year=year).exists():
        return 0
    day = today()
    cycle = services.cycle_create(
        actor=None,
        cycle=Cycle(
            dong=dong,
            name=f"{year} 주민참여예산",
            year=year,
            budget=100_000_000,
            proposing_from=day - timedelta(days=14),
            screening_from=day + timedelta(days=30),
            deliberation_from=day + timedelta(days=60),
            selection_from=day + timedelta(days=75),
            implementation_from=day + timedelta(days=90),
            ends_on=day + timedelta(days=365),
        ),
    )
    made = 0
    if number < 6:
        local = [
            r for r in residents if getattr(r.profile, "home_dong_id", None) == dong.pk
        ] or residents
        for n, (title, category, audience, language, cost) in enumerate(OPEN_PROPOSALS):
            proposal = _propose(
                local[n % len(local)], cycle, title, category, audience, language, cost
            )
            for resident in residents[number : number + 3 + n]:
                if resident.pk != proposal.author_id:
                    services.support_set(user=resident, proposal=proposal, support=True)
            made += 1
    return made


def proposals_demo_seed() -> int:
    """Past and open cycles with proposals; returns how many proposals were written."""
    User = get_user_model()
    residents = _people()
    if not residents:
        return 0
    written = 0
    dongs = list(DongPage.objects.select_related("leaders_group").order_by("path"))
    for number, dong in enumerate(dongs):
        leader = User.objects.filter(email=f"leader.{dong.slug}@example.org").first()
        if number < PAST_ASSOCIATIONS and leader is not None:
            written += _past_cycle(dong, leader, residents)
        written += _open_cycle(dong, number, residents)
    return written
