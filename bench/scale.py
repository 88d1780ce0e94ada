"""How cost grows with data: p50 and query counts of the pages that read many rows, at 1k, 10k and 100k rows.

Usage (from the project root, venv active; PostgreSQL on 127.0.0.1:5432, user postgres):

    .venv/bin/python bench/scale.py                       # sizes 1000 10000 100000
    .venv/bin/python bench/scale.py --sizes 1000 10000 --repeat 9

It recreates the database `dongne_s3_scale`, migrates and seeds the district
(production settings, local-memory cache, page cache off), then grows the data
to each size in turn (bulk inserts; every size adds to the last) and, in this
process, requests each page through Django's test client: `--repeat` timed
requests after two untimed ones, printing the median, the number of SQL
queries and the size of the HTML. At size n there are:

- n threads on one board (one opening post each), so n posts in the search
  index (index rows written with SQL, as `update_index` would, and their Korean
  terms by the search backend's own `write_terms`); every post holds
  "주민자치회" and one in a thousand the rarer "총회장소";
- n approved events, each with one date in December 2026;
- n notifications of one resident (who reads the notification list).

Pages: search for a two-syllable word ("자치") and a rarer four-syllable one;
the board's first page and its last (oldest threads; the page's own "oldest"
link when it has one, else `?page=<last>`); the December calendar; the
upcoming events list; the notification list (signed in). Figures are measured,
never asserted.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = os.environ.get("SCALE_DB", "dongne_s3_scale")


def configure() -> None:
    var = Path(tempfile.mkdtemp(prefix="dongne-bench-scale-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="district.settings.production",
        DONGNE_VAR_DIR=str(var),
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        REDIS_URL="",
        PAGE_CACHE_SECONDS="0",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    )
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q"]
    subprocess.run(
        [
            *psql,
            "-c",
            f"DROP DATABASE IF EXISTS {DB_NAME}",
            "-c",
            f"CREATE DATABASE {DB_NAME}",
        ],
        check=True,
        capture_output=True,
    )
    sys.path[0] = str(ROOT)  # not bench/, whose votes.py would hide the votes app
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_district", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


class Data:
    """Grows the rows to a size; remembers what it made."""

    def __init__(self) -> None:
        from django.contrib.auth.hashers import make_password

        from district.services import account_ensure
        from forums.models import Board

        password = make_password("bench-password-123")
        self.author = account_ensure(
            email="scale-author@bench.invalid",
            password_hash=password,
            display_name="scale-author",
        )
        self.reader = account_ensure(
            email="scale-reader@bench.invalid",
            password_hash=password,
            display_name="scale-reader",
        )
        self.board = Board.objects.create(
            name="규모 시험",
            name_en="Scale test",
            slug="scale-test",
            audience="everyone",
        )
        self.size = 0

    def grow(self, n: int) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection
        from wagtail.search.models import IndexEntry

        from district.models import Notification
        from events.models import Event, Occurrence, ReviewState
        from forums.models import Post, Thread

        start = self.size
        now = datetime.now(UTC)
        batch = 5000
        for lo in range(start, n, batch):
            hi = min(n, lo + batch)
            threads = Thread.objects.bulk_create(
                [
                    Thread(board=self.board, title=f"안건 {i}", author=self.author)
                    for i in range(lo, hi)
                ]
            )
            rare = "총회장소를 정합니다. "
            Post.objects.bulk_create(
                [
                    Post(
                        thread=t,
                        author=self.author,
                        body=f"{rare if i % 1000 == 7 else ''}주민자치회 {i}번째 안건: 공원 정비와 주차 문제를 논의합니다.",
                        body_html="<p>주민자치회 안건</p>",
                    )
                    for i, t in zip(range(lo, hi), threads, strict=True)
                ]
            )
            ids = [t.pk for t in threads]
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE forums_thread t SET last_post_id = p.id, post_count = 1,"
                    " last_activity_at = %s - (t.id * interval '1 second')"
                    " FROM forums_post p WHERE p.thread_id = t.id AND t.id = ANY(%s)",
                    [now, ids],
                )
            events = Event.objects.bulk_create(
                [
                    Event(
                        board=self.board,
                        title=f"주민 모임 {i}",
                        starts_at=datetime(
                            2026, 12, 1 + i % 31, 1 + i % 12, tzinfo=UTC
                        ),
                        ends_at=datetime(2026, 12, 1 + i % 31, 2 + i % 12, tzinfo=UTC),
                        organiser=self.author,
                        review_state=ReviewState.APPROVED,
                    )
                    for i in range(lo, hi)
                ]
            )
            Occurrence.objects.bulk_create(
                [
                    Occurrence(event=e, starts_at=e.starts_at, ends_at=e.ends_at)
                    for e in events
                ]
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        user=self.reader,
                        kind="reply",
                        actor_name="scale-author",
                        params={"title": "안건"},
                        url=f"/forums/t/{ids[0]}/",
                        read_at=None if i % 3 else now,
                    )
                    for i in range(lo, hi)
                ]
            )
        table = IndexEntry._meta.db_table
        for model in (Post, Thread):
            ct = ContentType.objects.get_for_model(model).pk
            text = "p.body" if model is Post else "p.title"
            source = "forums_post" if model is Post else "forums_thread"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete,"
                    f" body, title_norm, title_text, body_text)"
                    f" SELECT %s, p.id::text, ''::tsvector, ''::tsvector, to_tsvector('simple', {text}),"
                    f" 1.0, '', {text} FROM {source} p"
                    f" WHERE p.{'thread_id' if model is Post else 'id'} IN"
                    f" (SELECT id FROM forums_thread WHERE board_id = %s)"
                    f" ON CONFLICT (content_type_id, object_id) DO NOTHING",
                    [ct, self.board.pk],
                )
        self._korean_terms()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.size = n

    @staticmethod
    def _korean_terms() -> None:
        """The Korean terms of the new index entries, by the search backend's own analysis (`write_terms`)."""
        from wagtail.search.models import IndexEntry

        from district.search_backend import write_terms

        entries = IndexEntry.objects.filter(dongne_terms__isnull=True).order_by("pk")
        while chunk := list(
            entries.values_list("pk", "title_text", "body_text")[:2000]
        ):
            write_terms(chunk)


def found(html: str) -> str:
    """What a search page says it found (its status line), so an empty result shows."""
    match = re.search(r'<p role="status">(.*?)</p>', html, re.DOTALL)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


def measure(client, path: str, repeat: int) -> tuple[float, int, int, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(path)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - t0)
    return (
        statistics.median(times) * 1000,
        len(queries),
        len(response.content) // 1024,
        response.status_code,
        found(response.content.decode()) if path.startswith("/search/") else "",
    )


def oldest_page(client, board_path: str, n: int) -> str:
    html = client.get(board_path).content.decode()
    match = re.search(r'<a[^>]*rel="last"[^>]*href="([^"]+)"', html) or re.search(
        r'<a[^>]*href="([^"]+)"[^>]*rel="last"', html
    )
    if match:
        return match.group(1).replace("&amp;", "&")
    return f"{board_path}?page={(n + 29) // 30}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    t0 = time.monotonic()
    configure()
    from django.test import Client

    data = Data()
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(data.reader)
    board_path = f"/forums/{data.board.slug}/"
    rows = []
    for n in args.sizes:
        grow0 = time.monotonic()
        data.grow(n)
        print(
            f"# {n} rows ready in {time.monotonic() - grow0:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        pages = [
            ("search 자치 (2 syllables)", anonymous, "/search/?q=%EC%9E%90%EC%B9%98"),
            (
                "search 총회장소 (rare)",
                anonymous,
                "/search/?q=%EC%B4%9D%ED%9A%8C%EC%9E%A5%EC%86%8C",
            ),
            ("board first page", anonymous, board_path),
            ("board oldest page", anonymous, oldest_page(anonymous, board_path, n)),
            ("December calendar", anonymous, "/events/calendar/?month=2026-12"),
            ("/events/ (upcoming)", anonymous, "/events/"),
            ("notifications (signed in)", signed_in, "/notifications/"),
        ]
        for name, client, path in pages:
            rows.append((n, name, *measure(client, path, args.repeat)))
            print(
                f"{n:>7} {name:<28} {rows[-1][2]:>8.1f} ms {rows[-1][3]:>3} q {rows[-1][4]:>5} KB  {rows[-1][5]} {rows[-1][6]}",
                file=sys.stderr,
                flush=True,
            )
    print(f"\n{'rows':>7}  {'page':<28} {'p50 ms':>8} {'queries':>7} {'KB':>5}")
    for n, name, p50, queries, kb, status, said in rows:
        warn = f"  (HTTP {status})" if status != 200 else ""
        print(f"{n:>7}  {name:<28} {p50:>8.1f} {queries:>7} {kb:>5}{warn}  {said}")
    print(f"total {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
