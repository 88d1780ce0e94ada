"""Demo content for `seed_district --demo`: accounts and sample text, through the services."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from district import roles
from district.services import account_ensure
from dong.models import DongPage
from dong.services import Progress

ADMIN_EMAIL = "admin@example.org"
STAFF_EMAIL = "staff@example.org"
RESIDENTS_PER_DONG = 2


def demo_password() -> str:
    """One random password for every demo account, kept in var/ (never committed) and printed."""
    path = Path(settings.VAR_DIR) / "demo-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


def _sample_text(page: DongPage) -> None:
    if page.introduction:
        return
    page.introduction = (
        f"{page.title} 주민자치회는 주민이 직접 동네의 일을 논의하고 결정하는 모임입니다. "
        "분과위원회와 주민총회에 누구나 참여할 수 있습니다."
    )
    page.office_address = (
        f"서울특별시 {settings.DISTRICT_NAME} {page.title} 주민센터 2층"
    )
    page.office_hours = "평일 09:00–18:00"
    page.contact_email = f"{page.slug}@example.org"
    page.save_revision(log_action=True).publish()


def demo_seed(*, password: str, progress: Progress | None = None) -> list[str]:
    """Accounts for every role and sample text on every association page; safe to run again."""
    staff = Group.objects.get(name=roles.STAFF_GROUP_NAME)
    password_hash = make_password(password)
    account_ensure(
        email=ADMIN_EMAIL,
        password_hash=password_hash,
        display_name="관리자",
        is_superuser=True,
    )
    account_ensure(
        email=STAFF_EMAIL,
        password_hash=password_hash,
        display_name="구청 담당자",
        groups=(staff,),
    )
    emails = [ADMIN_EMAIL, STAFF_EMAIL]
    pages = list(DongPage.objects.select_related("leaders_group").order_by("path"))
    for number, page in enumerate(pages, start=1):
        if progress:
            progress(number, len(pages), page.title)
        _sample_text(page)
        leader_email = f"leader.{page.slug}@example.org"
        account_ensure(
            email=leader_email,
            password_hash=password_hash,
            display_name=f"{page.title} 회장",
            home_dong=page,
            groups=(page.leaders_group,),
        )
        emails.append(leader_email)
        for resident in range(1, RESIDENTS_PER_DONG + 1):
            email = f"resident{resident}.{page.slug}@example.org"
            account_ensure(
                email=email,
                password_hash=password_hash,
                display_name=f"{page.title} 주민{resident}",
                home_dong=page,
            )
            emails.append(email)
    return emails
