"""Personal data in posts (PIPA): what `district.pii.scan` finds in Korean text, and what it leaves alone."""

import pytest
from django.core.exceptions import ValidationError

from district.pii import mask_rrn, normalise, refuse_rrn, scan

PHONES = [
    "연락처 010-1234-5678",
    "01012345678로 문자 주세요",
    "010 1234 5678",
    "010.1234.5678",
    "+82 10-1234-5678",
    "+82-10-1234-5678",
    "(010) 1234-5678",
    "０１０－１２３４－５６７８",  # full-width digits and hyphens
    "０１０ １２３４ ５６７８",  # full-width digits, ideographic spaces
    "전화010-1234-5678번으로",
    "011-234-5678",
    "010–1234–5678",  # en dashes
    "02-123-4567",
    "02-1234-5678",
    "(02) 123-4567",
    "031-123-4567",
    "064 712 3456",
    "070-1234-5678",
]
EMAILS = [
    "kim@example.com",
    "메일:kim.minsu+dongne@naver.co.kr",
    "ｋｉｍ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "문의는 hong_gildong@daum.net 으로",
]
ACCOUNTS = [
    "신한 110-123-456789",
    "우리 1002-123-456789",
    "카카오뱅크 3333-01-1234567",
    "농협 302-1234-5678-91",
    "하나 123-456789-12345",
    "계좌번호 110123456789 입니다",
    "국민은행 12345678901234",
    "account 123456-01-123456",
]
RRNS = [
    "900101-1234567",
    "900101 - 2234567",
    "900101 1234567",
    "０５０１０１－３２３４５６７",
    "주민번호900101-1234567",
    "8002011234565",  # no separator, old checksum correct
    "외국인등록번호 850505-5123456",
]
NOT_PERSONAL = [
    "2026-11-30",
    "2026.11.30",
    "2026. 11. 30.",
    "2026년 12월 1일 오후 2시",
    "10:00-12:00",
    "19:00~21:00",
    "2026-12-01T10:00",
    "2026-11-30 10:00-12:00 12,000원",
    "12,000원",
    "1,200,000원",
    "회비 30,000원 (1인)",
    "2025-2026",
    "1990-2000년",
    "3층 301호",
    "테헤란로 123-45",
    "ISBN 978-89-12345-67-8",
    "@민수 안녕하세요",
    "반영률 26.6%",
    "좌석 120석",
    "02-1234",
    "010",
    "https://example.com/events/12345678",
    "37.5172, 127.0473",
    "900101-1******",  # masked: not the number
    "바코드 8801234567890",
    "우편번호 06236",
    "주문번호 202611301234",
    "1588-1234",
    "v1.2.3",
    "991301-1234567",  # month 13: not a date
    "9001011234567",  # no separator and a wrong checksum: some other id
]


@pytest.mark.parametrize("text", PHONES)
def test_phone_numbers_are_found(text):
    findings = scan(text)
    assert findings.phones and not findings.rrn
    assert findings.needs_confirmation


@pytest.mark.parametrize("text", EMAILS)
def test_email_addresses_are_found(text):
    assert scan(text).emails


@pytest.mark.parametrize("text", ACCOUNTS)
def test_bank_accounts_are_found(text):
    findings = scan(text)
    assert findings.accounts and not findings.phones and not findings.rrn


@pytest.mark.parametrize("text", RRNS)
def test_resident_registration_numbers_are_found(text):
    findings = scan(text)
    assert len(findings.rrn) == 1
    with pytest.raises(ValidationError) as error:
        refuse_rrn("안녕하세요", text)
    assert error.value.code == "resident_registration_number"


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_dates_times_prices_and_ids_are_not_personal_data(text):
    assert not scan(text), scan(text)


def test_the_table_is_big_enough():
    assert len(PHONES + EMAILS + ACCOUNTS + RRNS) >= 30
    assert len(NOT_PERSONAL) >= 20


def test_full_width_is_normalised():
    assert normalise("０１０－１２３４") == "010-1234"
    assert scan("０１０－１２３４－５６７８").phones == ["010-1234-5678"]


def test_a_text_with_several_kinds_reports_each_once():
    text = "kim@example.com 010-1234-5678, 다시 010-1234-5678 / 신한 110-123-456789"
    findings = scan(text)
    assert findings.emails == ["kim@example.com"]
    assert findings.phones == ["010-1234-5678"]
    assert findings.accounts == ["110-123-456789"]


def test_rrn_message_masks_the_number():
    assert mask_rrn("900101-1234567") == "900101-1******"
    with pytest.raises(ValidationError) as error:
        refuse_rrn("900101-1234567")
    assert "1234567" not in error.value.messages[0]
    assert "900101-1******" in error.value.messages[0]


def test_refuse_rrn_lets_phone_numbers_through():
    refuse_rrn("010-1234-5678", "kim@example.com", "")
