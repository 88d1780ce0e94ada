"""Korean search test set: documents, queries as residents type them, what each must and must not find.

Each query lists every document of `DOCUMENTS` a resident would want for it
(`expected`, judged by hand over the whole set) and documents it must never
return (`must_not`). `evaluate` scores a search function over the set:
recall (expected documents found / expected documents) and precision
(expected documents found / documents found). Used by
tests/site/test_korean_search.py and bench/search.py (both print or assert
"before", substring only, and "after", with the analyser).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

DOCUMENTS: dict[str, str] = {
    "meeting": "역삼1동 주민자치회 정기회의 안내. 이번 달 정기회의는 주민센터 3층 회의실에서 열립니다.",
    "meeting_spaced": "도곡2동 주민자치회 정기 회의 결과: 예산안을 심의했습니다.",
    "extra_meeting": "임시 회의 소집 공고: 긴급 안건이 있어 임시 회의를 엽니다.",
    "dues": "회비를 내세요. 이번 분기 회비 납부는 이달 말까지입니다.",
    "cleanup": "봄맞이 대청소에 함께해 주세요. 골목과 공원을 깨끗하게 만들어요.",
    "cleanup_done": "지난 토요일 대청소를 마쳤습니다. 거리가 깨끗해졌어요.",
    "flea": "벼룩시장에 물건을 내놓으실 분은 신청하세요.",
    "flea_spaced": "아파트 벼룩 시장 이번 주 일요일에 엽니다.",
    "sharing": "나눔장터에서 안 쓰는 물건을 나눠요.",
    "library": "작은도서관에서 어린이 동화 읽기 모임이 열립니다.",
    "library_hours": "도서관 운영 시간이 바뀌었습니다. 평일 저녁 9시까지 엽니다.",
    "parking": "아파트 주차장 야간개방 시범 운영 결과를 알려드립니다.",
    "parking_rules": "주차장을 개방하면 주민 차량이 먼저입니다.",
    "recycle": "분리수거를 요일별로 해 주세요. 재활용 쓰레기는 목요일입니다.",
    "recycle_spaced": "분리 수거 요일이 바뀝니다.",
    "elders": "어르신들께 도시락을 전해 드리는 봉사활동에 참여했어요.",
    "volunteer": "봉사 활동 신청은 주민센터에서 받습니다.",
    "kids": "아이들과 함께하는 여름 물놀이 행사를 엽니다.",
    "budget": "2025년 주민참여예산 사업을 제안해 주세요.",
    "daechi": "대치동에서 열리는 마을 축제에 오세요.",
    "gaepo": "개포4동 주민자치회 회의록을 올립니다.",
    "nonhyeon": "논현동의 골목길 가로등을 고쳐 주세요.",
    "yeoksam_office": "역삼동 주민센터 민원실이 2층으로 옮겼습니다.",
    "sinsa": "신사동 가로수길 청소 봉사자를 모집합니다.",
    "hall": "자치회관 프로그램 수강생 모집: 요가, 서예, 합창.",
    "hall_class": "자치 회관 요가 강좌가 새로 열렸습니다.",
    "stadium": "학교 운동장 주말 개방 시간을 알려드립니다.",
    "dong_head": "동장님과의 대화 시간에 주민 의견을 전해 주세요.",
    "market": "전통시장 상인회와 함께하는 장보기 행사.",
    "traffic": "어린이 보호구역 과속 단속 카메라가 설치됩니다.",
    "noise": "공사 소음 때문에 밤에 잠을 못 자요.",
    "noise_reply": "소음 민원은 구청 환경과에 넣으시면 됩니다.",
    "lights": "가로등이 고장 나서 밤길이 어두워요.",
    "snow": "눈이 오면 집 앞 눈을 치워 주세요. 제설함 위치를 확인하세요.",
    "health": "보건소에서 독감 예방접종을 무료로 해 드립니다.",
    "walk": "양재천 산책로 걷기 모임에 누구나 오세요.",
    "pets": "반려견 산책 때는 목줄을 꼭 해 주세요.",
    "cafe": "마을 카페 자원봉사자 교육이 열립니다.",
    "english": "GTX 공사 설명회가 개포동 주민센터에서 열립니다.",
    "cctv": "CCTV 설치 위치에 대한 의견을 받습니다.",
    "garden": "옥상 텃밭 가꾸기 참여 가구를 모집합니다.",
    "festival": "가을 축제 자원봉사 신청을 받습니다.",
    "election": "주민자치위원 선출 결과를 알려드립니다.",
    "gym": "구민체육센터 수영 강습 신청 안내.",
}


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    expected: frozenset[str]
    must_not: frozenset[str] = field(default_factory=frozenset)


def _q(
    text: str, kind: str, expected: Iterable[str], must_not: Iterable[str] = ()
) -> Query:
    return Query(text, kind, frozenset(expected), frozenset(must_not))


QUERIES: list[Query] = [
    # particles on a word
    _q("회의를", "particle", {"meeting", "meeting_spaced", "extra_meeting"}, {"dues"}),
    _q("주차장에서", "particle", {"parking", "parking_rules"}),
    _q("도서관으로", "particle", {"library", "library_hours"}),
    _q("어르신들께서", "particle", {"elders"}),
    _q("벼룩시장이", "particle", {"flea", "flea_spaced"}),
    _q("분리수거는", "particle", {"recycle", "recycle_spaced"}),
    _q("가로등이", "particle", {"nonhyeon", "lights"}),
    _q("소음은", "particle", {"noise", "noise_reply"}),
    _q("축제에", "particle", {"daechi", "festival"}),
    _q("보건소에서", "particle", {"health"}),
    _q("산책로를", "particle", {"walk"}),
    _q("텃밭을", "particle", {"garden"}),
    # endings on verbs and adjectives
    _q("열리는 축제", "ending", {"daechi"}),
    _q("깨끗한 거리", "ending", {"cleanup_done"}),
    _q("깨끗하게", "ending", {"cleanup", "cleanup_done"}),
    _q("참여하는 봉사활동", "ending", {"elders"}),
    _q("모집하는", "ending", {"sinsa", "hall", "garden"}),
    _q("신청했어요", "ending", {"flea", "volunteer", "festival", "gym"}),
    _q("설치된 카메라", "ending", {"traffic"}),
    _q("치우세요", "ending", {"snow"}),
    # spacing variants
    _q("정기 회의", "spacing", {"meeting", "meeting_spaced"}, {"extra_meeting"}),
    _q("정기회의", "spacing", {"meeting", "meeting_spaced"}, {"extra_meeting"}),
    _q("벼룩 시장", "spacing", {"flea", "flea_spaced"}),
    _q("분리 수거", "spacing", {"recycle", "recycle_spaced"}),
    _q("나눔 장터", "spacing", {"sharing"}),
    _q("자치 회관", "spacing", {"hall", "hall_class"}),
    _q("자치회관", "spacing", {"hall", "hall_class"}),
    _q("봉사 활동", "spacing", {"elders", "volunteer"}),
    _q("임시회의", "spacing", {"extra_meeting"}, {"meeting", "meeting_spaced"}),
    # compounds
    _q("주민자치회", "compound", {"meeting", "meeting_spaced", "gaepo"}),
    _q("봄맞이대청소", "compound", {"cleanup"}),
    _q("주민참여예산", "compound", {"budget"}),
    _q("어린이보호구역", "compound", {"traffic"}),
    _q("전통시장", "compound", {"market"}),
    # partial words
    _q(
        "자치",
        "partial",
        {"meeting", "meeting_spaced", "gaepo", "hall", "hall_class", "election"},
    ),
    _q("청소", "partial", {"cleanup", "cleanup_done", "sinsa"}),
    _q("맞이", "partial", {"cleanup"}),
    _q("야간개방", "partial", {"parking"}),
    _q("봉사", "partial", {"elders", "volunteer", "sinsa", "cafe", "festival"}),
    _q("예산", "partial", {"meeting_spaced", "budget"}),
    # dong names
    _q("역삼동", "dong", {"meeting", "yeoksam_office"}),
    _q("역삼1동", "dong", {"meeting"}),
    _q("개포동", "dong", {"gaepo", "english"}),
    _q("대치동에서", "dong", {"daechi"}),
    _q("논현동", "dong", {"nonhyeon"}),
    _q("도곡2동의", "dong", {"meeting_spaced"}),
    # foreign words
    _q("GTX", "foreign", {"english"}),
    _q("cctv를", "foreign", {"cctv"}),
]


@dataclass(frozen=True)
class Score:
    recall: float
    precision: float
    found: int
    expected: int
    retrieved: int
    must_not_found: list[tuple[str, str]]
    missed: list[tuple[str, str]]
    unexpected: list[tuple[str, str]]


def evaluate(search: Callable[[str], Iterable[str]]) -> Score:
    """Score `search` (query → keys of the documents found) over every query of the set."""
    found = expected = retrieved = 0
    must_not_found: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    unexpected: list[tuple[str, str]] = []
    for query in QUERIES:
        keys = set(search(query.text))
        found += len(keys & query.expected)
        expected += len(query.expected)
        retrieved += len(keys)
        must_not_found += [(query.text, key) for key in sorted(keys & query.must_not)]
        missed += [(query.text, key) for key in sorted(query.expected - keys)]
        unexpected += [(query.text, key) for key in sorted(keys - query.expected)]
    return Score(
        recall=found / expected,
        precision=found / retrieved if retrieved else 1.0,
        found=found,
        expected=expected,
        retrieved=retrieved,
        must_not_found=must_not_found,
        missed=missed,
        unexpected=unexpected,
    )
