"""Writes about accounts that touch several models."""

from allauth.account.models import EmailAddress
from district.models import Profile
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction

from dong.models import DongPage


@transaction.atomic
def account_ensure(
    *,
    email: str,
    password_hash: str,
    display_name: str,
    home_dong: DongPage | None = None,
    language: str = "",
    groups: tuple[Group, ...] = (),
    is_superuser: bool = False,
) -> AbstractUser:
    """Create (or bring up to date) a verified account with its profile; used by seeding and tests.

    Takes a password hash (`make_password`), so that seeding many accounts hashes once.

    Residents sign up through allauth instead, which verifies the address by e-mail.
    """
    User = get_user_model()
    username = email.split("@", 1)[0] if not is_superuser else "admin"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=username, email=email)
    user.is_superuser = user.is_staff = is_superuser
    user.password = password_hash
    user.save()
    if groups:
        user.groups.add(*groups)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "display_name": display_name,
            "home_dong": home_dong,
            "language": language,
        },
    )
    return user
