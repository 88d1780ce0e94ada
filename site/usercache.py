"""Signed-in residents served from the cache: their account and profile, and the unread badge.

Every signed-in request used to read the session, the user, the profile and
the unread count from the database. With a shared cache (Redis; see
`settings.SESSION_ENGINE`, cached sessions) the account and its profile are
kept under `district:user:<id>` and the badge under `district:unread:<id>`.

Kept true, not merely fresh:
- any save or delete of a User or a Profile, and any change of a user's groups
  or permissions, forgets the cached copy (with its permissions; receivers
  connected in `district.apps`), so a suspension (`is_active` off), a closed
  account or a new password takes effect on the next request; the session's
  auth hash is still checked against the (fresh) password on every request, as
  Django does, so a password change signs out other sessions;
- the badge is forgotten by the services that change it
  (`notification_create`, `notifications_mark_read`), after commit;
- both expire anyway (`USER_CACHE_SECONDS`), a backstop for rows changed by a
  bulk `update()` that sends no signal, or a group's own permissions edited.
With a per-process cache (local memory, no Redis) another process could not be
told to forget, so the account is then read from the database as before
(`settings.USER_CACHE_SECONDS = 0`); the badge too.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject


def _seconds() -> int:
    return getattr(settings, "USER_CACHE_SECONDS", 0)


def _user_key(user_id) -> str:
    return f"district:user:{user_id}"


def _unread_key(user_id) -> str:
    return f"district:unread:{user_id}"


def load_user(user_id, backend):
    """The active account with its profile (cached), or None, as `backend.get_user` would answer."""
    seconds = _seconds()
    user = cache.get(_user_key(user_id)) if seconds else None
    if user is None:
        user = (
            get_user_model()
            ._default_manager.select_related("profile")
            .filter(pk=user_id)
            .first()
        )
        if user is None:
            return None
        if seconds:
            # Computed now, kept on the cached object (ModelBackend's _perm_cache):
            # the page shell's `perms` then costs no query.
            user.get_all_permissions()
            cache.set(_user_key(user_id), user, seconds)
    return user if backend.user_can_authenticate(user) else None


def forget_user(user_id) -> None:
    cache.delete(_user_key(user_id))


def get_user(request: HttpRequest):
    """`django.contrib.auth.get_user`, with the account read through `load_user`."""
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    user = load_user(user_id, auth.load_backend(backend_path))
    if user is None:
        return AnonymousUser()
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    current = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, current):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[auth.HASH_SESSION_KEY] = current
        return user
    request.session.flush()
    return AnonymousUser()


def _cached_get_user(request: HttpRequest):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with the account and profile from the cache."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_get_user(request))


def unread_count(user) -> int:
    """The badge: how many of the user's notifications are unread (cached)."""
    from district.models import Notification

    seconds = _seconds()
    count = cache.get(_unread_key(user.pk)) if seconds else None
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        if seconds:
            cache.set(_unread_key(user.pk), count, seconds)
    return count


def forget_unread(*user_ids) -> None:
    """Called by the services that change what is unread: now, and again after commit."""
    keys = [_unread_key(user_id) for user_id in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def connect() -> None:
    """Forget a cached account whenever its User or Profile row is saved or deleted."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from district.models import Profile

    def user_changed(sender, instance, **kwargs):
        forget_user(instance.pk)
        transaction.on_commit(lambda: forget_user(instance.pk))

    def profile_changed(sender, instance, **kwargs):
        forget_user(instance.user_id)
        transaction.on_commit(lambda: forget_user(instance.user_id))

    User = get_user_model()

    def groups_changed(sender, instance, pk_set, **kwargs):
        ids = [instance.pk] if isinstance(instance, User) else list(pk_set or ())
        for pk in ids:
            forget_user(pk)
            transaction.on_commit(lambda pk=pk: forget_user(pk))

    for relation in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(
            groups_changed,
            sender=relation,
            weak=False,
            dispatch_uid=f"district.usercache.m2m.{relation.__name__}",
        )
    for signal in (post_save, post_delete):
        signal.connect(
            user_changed,
            sender=get_user_model(),
            weak=False,
            dispatch_uid=f"district.usercache.user.{signal is post_save}",
        )
        signal.connect(
            profile_changed,
            sender=Profile,
            weak=False,
            dispatch_uid=f"district.usercache.profile.{signal is post_save}",
        )
