"""One way to write a date, a time, a date with its weekday and a range, per language."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from district.timefmt import texts, when, when_range

START = timezone.make_aware(datetime.datetime(2026, 12, 3, 19, 0))
END = START + datetime.timedelta(hours=2)


@pytest.mark.parametrize(
    ("language", "date_time", "time", "range_text"),
    [
        (
            "ko",
            "2026년 12월 3일 오후 7:00",
            "오후 7:00",
            "2026년 12월 3일 (목요일) 오후 7:00 – 오후 9:00",
        ),
        ("en", "3 December 2026, 19:00", "19:00", "Thu 3 December 2026 19:00 – 21:00"),
        ("ja", "2026年12月3日 19:00", "19:00", "2026年12月3日 (木) 19:00 – 21:00"),
    ],
)
def test_each_language_writes_a_moment_one_way(language, date_time, time, range_text):
    with translation.override(language):
        assert when(START) == date_time
        assert when(START, "time") == time
        assert when_range(START, END) == range_text
        # Django's own names in templates give the same texts (FORMAT_MODULE_PATH).
        rendered = Template(
            '{{ t|date:"DATETIME_FORMAT" }}|{{ t|time:"TIME_FORMAT" }}|{{ t|when:"time" }}'
        ).render(Context({"t": START}))
        assert rendered == f"{date_time}|{time}|{time}"


def test_korean_times_always_put_the_half_of_the_day_first():
    with translation.override("ko"):
        for kind in ("datetime", "short", "time", "weekday_datetime"):
            assert not re.search(r"\d:\d\d (오전|오후)", when(START, kind)), kind


def test_a_range_over_two_days_writes_both_dates():
    with translation.override("en"):
        text = when_range(START, START + datetime.timedelta(days=1))
    assert text == "Thu 3 December 2026 19:00 – Fri 4 December 2026 19:00"


def test_live_updates_carry_the_text_in_every_language():
    result = texts(START)
    assert set(result) == {"ko", "en", "zh-hans", "vi", "ja"}
    assert result["ko"] == "2026. 12. 3. 오후 7:00"
    assert result["en"] == "3 Dec 2026, 19:00"
