"""Site search latency at 1,000 / 10,000 / 100,000 indexed posts on PostgreSQL, substring-only vs Korean analysis.

    .venv/bin/python bench/search.py [--sizes 1000,10000,100000] [--repeat 5]

Own database (BENCH_DB_NAME, default dongne_t2_bench), migrated and seeded
first. Posts are made in bulk and indexed through Wagtail's backend in
chunks (`add_bulk`: one INSERT per chunk, one Korean analysis per post), so
the index and `district.SearchTerms` hold what the site would write. Each post
is two or three sentences from a pool of everyday notices; one post in
twenty is a document of the Korean test set (tests/site/korean_search_set.py).
Every query of the test set is run `--repeat` times per mode through
`district.search.find` (the statement the search page runs, visibility
included), as an anonymous reader; p50/p95 over all runs, and how many
queries hit the 500 cap.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import PY, ROOT, ensure_database, log, percentile, project_env

DB_NAME = os.environ.get("BENCH_DB_NAME", "dongne_t2_bench")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")

FILLER = [
    "오늘 아침 날씨가 참 맑네요.",
    "지난주 모임에 와 주셔서 감사합니다.",
    "아이들 등하굣길에 조심해 주세요.",
    "엘리베이터 점검이 화요일 오전에 있습니다.",
    "관리사무소 전화번호가 바뀌었다고 합니다.",
    "택배 보관함 사용법을 알려 주실 분 계신가요?",
    "단지 안 나무에 꽃이 피었어요.",
    "주말에 가족들과 공원에 다녀왔습니다.",
    "새로 생긴 빵집이 맛있다는 이야기를 들었어요.",
    "버스 정류장 의자가 부서져 있습니다.",
    "밤늦게 음악 소리가 들려서 말씀드립니다.",
    "분실물을 경비실에 맡겨 두었습니다.",
    "겨울 난방비가 많이 올랐네요.",
    "우리 동네 사진 공모전 소식 들으셨나요?",
    "약국 주말 운영 시간을 아시는 분?",
    "길고양이 밥 주는 곳을 정했으면 좋겠어요.",
    "놀이터 모래를 새로 갈았다고 합니다.",
    "현관 비밀번호가 다음 달에 바뀝니다.",
    "헌 옷 수거함 위치가 옮겨졌습니다.",
    "무료 법률 상담이 매달 첫째 주에 있습니다.",
]


def env() -> dict[str, str]:
    values = project_env()
    values.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL)
    return values


# The Django side (a child process with the project's environment) ------------


def child(sizes: list[int], repeat: int) -> dict:
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from wagtail.search.backends import get_search_backend

    from district import korean, search
    from district.models import SearchTerms
    from district.services import account_ensure
    from forums.models import Board, Post, Thread
    from tests.site import korean_search_set as test_set

    author = account_ensure(
        email="bench-search@bench.invalid",
        password_hash="!",
        display_name="bench-search",
    )
    board = Board.objects.get(slug="yeoksam-1")
    thread, _ = Thread.objects.get_or_create(
        board=board, title="bench search", defaults={"author": author}
    )
    documents = list(test_set.DOCUMENTS.values())
    rng = random.Random(13)
    backend = get_search_backend()
    reader = AnonymousUser()
    results: dict = {"sizes": {}}

    def body() -> str:
        if rng.random() < 0.05:
            return rng.choice(documents)
        return " ".join(rng.sample(FILLER, rng.choice((2, 3))))

    for size in sizes:
        have = Post.objects.filter(thread=thread).count()
        started = time.perf_counter()
        analysed = 0.0
        while have < size:
            chunk = min(2000, size - have)
            posts = Post.objects.bulk_create(
                Post(thread=thread, author=author, body=text, body_html=text)
                for text in (body() for _ in range(chunk))
            )
            t = time.perf_counter()
            backend.add_bulk(Post, posts)
            analysed += time.perf_counter() - t
            have += chunk
        built = time.perf_counter() - started
        # What autovacuum does after a bulk load: statistics, and the GIN
        # indexes' pending lists merged (unmerged, every look-up scans them).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE wagtailsearch_indexentry")
            cursor.execute("VACUUM ANALYZE district_searchterms")
        entries = SearchTerms.objects.count()
        log(f"{size} posts ({entries} entries with terms), built in {built:.1f} s")
        modes = {}
        for mode, on in (("substring", False), ("analysed", True)):
            settings.DONGNE_KOREAN_ANALYSER = on
            for query in test_set.QUERIES[:3]:  # warm caches and the analyser
                search.find(query.text, reader=reader)
            times: list[float] = []
            hits: list[int] = []
            for _ in range(repeat):
                for query in test_set.QUERIES:
                    t = time.perf_counter()
                    found = search.find(query.text, reader=reader)
                    times.append((time.perf_counter() - t) * 1000)
                    hits.append(len(found))
            times.sort()
            modes[mode] = {
                "p50_ms": round(percentile(times, 50), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "max_ms": round(times[-1], 1),
                "mean_hits": round(sum(hits) / len(hits), 1),
                "capped_queries": sum(h >= search.LIMIT for h in hits) // repeat,
            }
            log(f"  {mode}: {modes[mode]}")
        settings.DONGNE_KOREAN_ANALYSER = True
        results["sizes"][size] = {
            "build_s": round(built, 1),
            "index_and_analyse_s": round(analysed, 1),
            **modes,
        }
    results["queries"] = len(test_set.QUERIES)
    results["repeat"] = repeat
    results["analyser_loaded"] = korean.loaded()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-setup",
        action="store_true",
        help="skip migrate and seed (a database already built: seeding runs"
        " update_index, whose stale-entry check is slow at 100,000 posts)",
    )
    parser.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args._child:
        print(json.dumps(child(sizes, args.repeat)))
        return
    print("command:", " ".join([sys.executable, *sys.argv]), flush=True)
    if not args.no_setup:
        ensure_database(DB_NAME, env())
    result = subprocess.run(
        [PY, __file__, "--_child", "--sizes", args.sizes, "--repeat", str(args.repeat)],
        cwd=ROOT,
        env=env(),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"{data['queries']} queries x {data['repeat']} per mode, anonymous reader")
    for size, row in data["sizes"].items():
        print(
            f"{int(size):>7,} posts: substring p50 {row['substring']['p50_ms']} ms"
            f" (p95 {row['substring']['p95_ms']}), analysed p50 {row['analysed']['p50_ms']} ms"
            f" (p95 {row['analysed']['p95_ms']}); mean hits {row['substring']['mean_hits']}"
            f" -> {row['analysed']['mean_hits']}; capped queries"
            f" {row['substring']['capped_queries']} -> {row['analysed']['capped_queries']};"
            f" built in {row['build_s']} s"
        )


if __name__ == "__main__":
    main()
