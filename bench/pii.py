"""What the personal-data check costs: `district.pii.scan` on a post's text, before it is published.

    python bench/pii.py

Prints the median of 7 runs (each the mean of 20 scans); asserts nothing.
"""

import os
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings.test")

import django

django.setup()

from district.pii import scan

PARAGRAPH = (
    "주민자치회 회의는 2026-12-01 19:00~21:00, 회비 12,000원. "
    "문의 010-1234-5678 또는 kim@example.com. "
)
PLAIN = "가나다라마바사 아자차카타파하 "


def median_ms(text: str) -> float:
    runs = [timeit.timeit(lambda: scan(text), number=20) / 20 for _ in range(7)]
    return statistics.median(runs) * 1000


def main() -> None:
    for label, unit, size in (
        ("with numbers", PARAGRAPH, 1_000),
        ("with numbers", PARAGRAPH, 10_000),
        ("without a digit", PLAIN, 10_000),
    ):
        text = (unit * (size // len(unit) + 1))[:size]
        print(f"{size:>6,} characters {label}: {median_ms(text):.2f} ms")


if __name__ == "__main__":
    main()
