"""Settings shared by every environment; dev, test and production change only what differs.

Configuration comes from the environment: DATABASE_URL (PostgreSQL with the
psycopg pool), REDIS_URL (channel layer and cache), SECRET_KEY, ALLOWED_HOSTS,
CSRF_TRUSTED_ORIGINS and the EMAIL_* settings. Without DATABASE_URL and
REDIS_URL the site runs on the embedded default: SQLite and in-memory layers.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("DONGNE_VAR_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "district",
    "dong",
    "forums",
    "events",
    "votes",
    "proposals",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "district.csp.PolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "district.middleware.TurnedAwayMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "district.guards.OddInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "district.usercache.CachedAuthenticationMiddleware",
    "district.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "district.guards.RateLimitedMiddleware",
    "district.guards.AdminAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "district.cache.AnonymousPageCacheMiddleware",
    "district.page_routing.CachedSiteMiddleware",
    "district.access_log.AccessLogMiddleware",
]

ROOT_URLCONF = "district.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "district.context_processors.site_shell",
                "district.moderation.context.sanction_notice",
            ],
            # `|isotime` (machine-readable <time datetime>) in every template.
            "builtins": ["district.templatetags.dongne"],
        },
    },
]

WSGI_APPLICATION = "district.wsgi.application"
ASGI_APPLICATION = "district.asgi.application"

# Database: SQLite in var/ unless DATABASE_URL names PostgreSQL. The psycopg
# pool replaces persistent connections, which must stay off under ASGI.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Health checks: with the pool, Django 5.2 hands psycopg_pool
    # `check=ConnectionPool.check_connection`, one empty round trip before a
    # connection is lent, so one that died with a PostgreSQL restart is replaced
    # instead of failing a request (tests/site/test_postgres_restart.py).
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=0, conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX", "20")),
            "timeout": 10,
        }
        # No JIT: PostgreSQL compiles a query whose estimated cost passes
        # jit_above_cost, and on a web page compiling costs more than it saves
        # (a search for a common word over 10,000 posts spent 1.1 s of its 1.4 s
        # compiling; bench/scale.py). Set per connection, not in the server's
        # configuration, which other databases on it may share.
        options = DATABASES["default"]["OPTIONS"]
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the channel layer that lets several server processes share live
# updates, and the cache. Without it both stay in this process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "district.live.layer.LiveChannelLayer",
            # Each process reads one hub channel for all its sockets (district.live.hub):
            # give it room for bursts.
            "CONFIG": {
                # redis-py 8 times socket reads out after 5 s by default, exactly
                # channels-redis's blocking-pop wait: idle sockets would die
                # (channels_redis#422). Reads may wait longer; connects may not.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 5,
                    }
                ],
                "prefix": "dongne",
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
    # django-redis (through district.rediscache), not Django's RedisCache,
    # which raises on a connection error: with Redis down every read is a
    # miss and every write a no-op, so pages are served uncached, sign-in
    # works (allauth's rate limits count nothing meanwhile) and the page cache
    # resumes when Redis is back. Short timeouts keep an unreachable Redis
    # from stalling requests (tests/site/test_redis_down.py).
    CACHES = {
        "default": {
            "BACKEND": "district.rediscache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dongne",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    # Signed-in residents from the shared cache (district.usercache): sessions
    # read from Redis and written through to the database; the account, its
    # profile and the unread badge cached, forgotten on every change.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    USER_CACHE_SECONDS = 300
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 1000},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A per-process cache cannot be told by another process to forget an account.
    USER_CACHE_SECONDS = 0

# Background work (e-mail, reminders, search indexing) goes through django-tasks
# into the database; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email"],
    }
}
NOTIFICATION_EMAIL_DELAY_MINUTES = 15
# How long a sign-up waits for its event date's row lock on PostgreSQL before
# answering "try again"; below the connection pool's 10 s timeout.
EVENTS_RSVP_LOCK_TIMEOUT_SECONDS = 8
# Requests of one process in the middleware and views at once (district.handler;
# the rest wait their turn on the event loop, without a thread or a database
# connection): keep it below DB_POOL_MAX, which Channels' consumers share.
# A request that cannot start within HTTP_QUEUE_SECONDS is answered 503 "busy".
HTTP_CONCURRENCY = int(os.environ.get("HTTP_CONCURRENCY", "16"))
HTTP_QUEUE_SECONDS = 10
HTTP_RETRY_AFTER_SECONDS = 5
# Sign-ups of one process at once (their own lane in district.handler, which the
# events app registers; other pages keep the rest of HTTP_CONCURRENCY), and how
# long one waits for its turn before being sent back to press again.
EVENTS_SIGNUP_CONCURRENCY = int(os.environ.get("EVENTS_SIGNUP_CONCURRENCY", "8"))
EVENTS_SIGNUP_QUEUE_SECONDS = 20

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts: e-mail is the login; verification is mandatory before posting.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "district.forms.SignupForm"
# A child under 14 waiting for a guardian's consent is told so (district.guardians).
ACCOUNT_ADAPTER = "district.account_adapter.AccountAdapter"
# Pages that name the account (e-mail confirmation) use the display name, never a generated username.
ACCOUNT_USER_DISPLAY = "district.models.display_name"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    # allauth's throttles, stated here so they are visible: failed logins per
    # user and IP, sign-ups and password-reset mails per IP.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Display names nobody may take, nor anything that looks like them
# (district.names.skeleton: case, look-alike letters and invisible characters
# do not make a difference).
RESERVED_DISPLAY_NAMES = [
    "admin",
    "administrator",
    "staff",
    "moderator",
    "system",
    "dongne",
    "관리자",
    "운영자",
    "운영진",
    "운영팀",
    "구청",
    "동네",
]
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# Languages: Korean first, and the four other languages of the district's residents.
LANGUAGE_CODE = "ko"
LANGUAGES = [
    ("ko", "한국어"),
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("vi", "Tiếng Việt"),
    ("ja", "日本語"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
# One set of date and time formats per language (district.formats, district.timefmt).
FORMAT_MODULE_PATH = ["district.formats"]
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # Residents' data exports: private, outside MEDIA (served to their owner only).
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "exports", "base_url": None},
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Dongne <noreply@localhost>")

# Wagtail
WAGTAIL_SITE_NAME = _("Dongne")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# One sign-in for everyone (allauth: e-mail verification and throttling), the CMS included.
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
# Dong pages are addressed by stable ASCII slugs (yeoksam-1); pages created in
# the admin get transliterated ASCII slugs rather than Hangul ones.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Wagtail's database backend, also writing each entry's Korean search terms
# (district.search_backend, district.korean). False: substring search only.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "district.search_backend"}}
DONGNE_KOREAN_ANALYSER = True
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "hwp",
    "hwpx",
    "odt",
    "pdf",
    "pptx",
    "txt",
    "xlsx",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False

# The district this installation serves. The list of its associations is a
# data file, loaded by `manage.py seed_district`; nothing in code names a dong.
DISTRICT_NAME = os.environ.get("DISTRICT_NAME", "강남구")
DISTRICT_NAME_EN = os.environ.get("DISTRICT_NAME_EN", "Gangnam-gu")
# The district's name as each interface language writes it (district.languages.district_name);
# a language not listed uses DISTRICT_NAME_EN.
DISTRICT_NAMES = {
    "ko": DISTRICT_NAME,
    "en": DISTRICT_NAME_EN,
    "zh-hans": os.environ.get("DISTRICT_NAME_ZH", "江南区"),
    "ja": os.environ.get("DISTRICT_NAME_JA", "江南区"),
    "vi": os.environ.get("DISTRICT_NAME_VI", "quận Gangnam"),
}
DISTRICT_DATA_FILE = Path(
    os.environ.get("DISTRICT_DATA_FILE", BASE_DIR / "dong" / "data" / "gangnam.csv")
)

# Forums: posting limits against floods and spam. Discourse's defaults where
# they have one (5 s between posts, 10 posts on the first day, 2 links and 2
# mentions per post for new accounts); bodies are shorter than Discourse's 32,000.
FORUMS_MIN_SECONDS_BETWEEN_POSTS = 5
FORUMS_NEW_ACCOUNT_HOURS = 24
FORUMS_NEW_ACCOUNT_MAX_POSTS = 10
FORUMS_NEW_ACCOUNT_MAX_LINKS = 2
FORUMS_NEW_ACCOUNT_MAX_MENTIONS = 2
FORUMS_MIN_POST_LENGTH = 2
FORUMS_MAX_POST_LENGTH = 10_000
FORUMS_EDIT_WINDOW_MINUTES = 60
FORUMS_REPORTS_TO_HIDE = 3
FORUMS_POSTS_PER_PAGE = 30
FORUMS_THREADS_PER_PAGE = 30

# Moderation with due process (district.moderation): an author may appeal an
# action once within DONGNE_APPEAL_WINDOW_DAYS; appeals should be answered
# within DONGNE_APPEAL_TARGET_DAYS, after which staff are told.
DONGNE_APPEAL_WINDOW_DAYS = 14
DONGNE_APPEAL_TARGET_DAYS = 7

# Residents' actions: one limiter for all (district.ratelimit), per account
# (per address when anonymous), never global. `count/period` rules, several
# per action; Discourse's spirit: a burst a person could make by hand passes,
# a script does not. Posting keeps its own limits (FORUMS_* above).
RATE_LIMITS = {
    "report": "6/m,20/d",
    "reaction": "30/m,300/d",
    "rsvp": "10/m,60/h",
    "event_propose": "3/m,10/d",
    "proposal_create": "3/m,10/d",
    "proposal_support": "30/m,300/d",
    "vote": "10/m,60/h",
    "edit": "10/m,100/d",
    "translation": "20/m,300/d",
}

# Machine translation of residents' writing (district.translation). A district
# runs its own LibreTranslate server, so no resident's text leaves it; without
# LIBRETRANSLATE_URL there is no backend and the "Translate" control is hidden.
LIBRETRANSLATE_URL = os.environ.get("LIBRETRANSLATE_URL", "")
LIBRETRANSLATE_API_KEY = os.environ.get("LIBRETRANSLATE_API_KEY", "")
LIBRETRANSLATE_TIMEOUT = float(os.environ.get("LIBRETRANSLATE_TIMEOUT", "10"))
# LibreTranslate's code for each site language that differs (newer servers say "zh-Hans").
LIBRETRANSLATE_LANGUAGE_CODES = {
    "zh-hans": os.environ.get("LIBRETRANSLATE_CHINESE_CODE", "zh")
}
TRANSLATION_BACKEND = (
    os.environ.get(
        "TRANSLATION_BACKEND",
        "district.translation.backends.LibreTranslateBackend",
    )
    if LIBRETRANSLATE_URL or os.environ.get("TRANSLATION_BACKEND")
    else None
)
# Back-off between tries inside one background task (seconds), then later
# rounds, each waiting twice as long from 5 minutes, where the task backend can defer.
TRANSLATION_RETRY_DELAYS = [1, 3, 9]
TRANSLATION_LATER_ATTEMPTS = 3

# Anonymous readers get Wagtail pages from the cache (district.cache); every
# publish invalidates it. 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# An event's page, for readers who are not signed in (district.cache.cache_for_anonymous):
# its counts follow live from the page's sequence numbers; edits show within this time.
EVENTS_PAGE_CACHE_SECONDS = int(os.environ.get("EVENTS_PAGE_CACHE_SECONDS", "5"))

# Fast routing (district.page_routing, district.privacy) serves pages in fewer
# queries by relying on Wagtail internals (listed in those modules' docstrings).
# DONGNE_FAST_ROUTING=0 serves with Wagtail's own routing and privacy checks.
DONGNE_FAST_ROUTING = os.environ.get("DONGNE_FAST_ROUTING", "1") != "0"

# Live updates: how much of the live-event log reconnecting clients can catch up from.
LIVE_EVENT_KEEP_PER_TOPIC = 1000
LIVE_EVENT_RETENTION_DAYS = 7
# Counts published after commit (district.live.state): how long one request
# keeps publishing a count that others keep changing before the task queue takes over.
LIVE_STATE_PUBLISH_SECONDS = 0.05
# Idempotency keys of repeatable writes are kept this long (`manage.py prune_idempotency_keys`).
IDEMPOTENCY_KEY_HOURS = 24
# Test-only fault hook (district.idempotency): the scope whose writes kill the process after commit.
DONGNE_FAULT_AFTER_COMMIT = os.environ.get("DONGNE_FAULT_AFTER_COMMIT", "")
# Open /ws/live/ sockets one account may hold at once, across every server
# process (a browser opens one per tab); the next is closed with code 4029.
LIVE_MAX_SOCKETS_PER_USER = 20
# permessage-deflate on /ws/live/ (a uvicorn flag: `manage.py serve` and
# district.consumers.uvicorn_socket_options() pass it). Off by default: each
# compressing socket keeps zlib state (README "Idle sockets"), and live frames
# are small.
DONGNE_WS_PERMESSAGE_DEFLATE = (
    os.environ.get("DONGNE_WS_PERMESSAGE_DEFLATE", "0") == "1"
)
# uvicorn's --timeout-graceful-shutdown (district.consumers.uvicorn_socket_options):
# after SIGTERM, requests and sockets get this long, then their tasks are cancelled.
DONGNE_GRACEFUL_SHUTDOWN_SECONDS = int(
    os.environ.get("DONGNE_GRACEFUL_SHUTDOWN_SECONDS", "5")
)

# Content-Security-Policy (django-csp, through district.csp). The public site
# runs no inline script or style, so 'self' is all it allows; Wagtail's admin
# (/admin/, signed-in editors only) gets DONGNE_ADMIN_CSP, which adds the
# inline script and style, blob: previews and same-origin frames it needs.
# Violations go to /csp-report/ and the "district.csp" log. Signing in with
# Kakao or Naver, when configured, needs their hosts in "form-action".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": ["/csp-report/"],
    }
}
DONGNE_ADMIN_CSP = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],  # the page editor's live preview
}
DONGNE_CSP_REPORT_MAX_BYTES = 8 * 1024
DONGNE_CSP_REPORT_LOG_PER_MINUTE = 60
# Browser features the site never uses are off for it and anything it embeds
# (only names Chromium knows: an unknown one is a console error on every page).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Personal data: how long each kind is kept (district.retention; README, "Privacy (PIPA)").
UNVERIFIED_ACCOUNT_DAYS = 7
DATA_EXPORT_DAYS = 7
EMAIL_LOG_DAYS = 30
NOTIFICATION_DAYS = 365
ACCESS_LOG_RETENTION_DAYS = 730  # at least two years (never less, whatever is set)

# Children under 14 (PIPA Art. 22-2): their account stays inactive until a
# legal guardian consents by e-mail link; the guardian's address and the
# request (with the unconfirmed account) are deleted after this many days.
GUARDIAN_CONSENT_MIN_AGE = 14
GUARDIAN_CONSENT_DAYS = 7

# The privacy policy (개인정보 처리방침, PIPA Art. 30) at /privacy/, built from
# these entries and the retention settings above. A new "version" is what
# consents record (district.Consent); change it with every change of substance.
PRIVACY_POLICY = {
    "version": os.environ.get("PRIVACY_POLICY_VERSION", "2026-12-01"),
    "effective": os.environ.get("PRIVACY_POLICY_EFFECTIVE", "2026-12-01"),
    "controller": os.environ.get("PRIVACY_CONTROLLER", "서울특별시 강남구청"),
    "controller_en": os.environ.get(
        "PRIVACY_CONTROLLER_EN", "Gangnam-gu Office, Seoul"
    ),
    # 개인정보 보호책임자 (Art. 31): name, department, e-mail, telephone.
    "officer": {
        "name": os.environ.get("PRIVACY_OFFICER_NAME", "개인정보 보호책임자"),
        "department": os.environ.get("PRIVACY_OFFICER_DEPARTMENT", "자치행정과"),
        "email": os.environ.get("PRIVACY_OFFICER_EMAIL", "privacy@localhost"),
        "phone": os.environ.get("PRIVACY_OFFICER_PHONE", "02-3423-5114"),
    },
    # What is collected, why, and for how long (the "kept" entry names a
    # retention setting in days, or a fixed text).
    "items": [
        {
            "what": _("E-mail address and password (stored only as a hash)"),
            "purpose": _("Signing in, confirming it is you, resetting a password"),
            "kept": _("Until you close your account"),
            "required": True,
        },
        {
            "what": _("Display name"),
            "purpose": _("Shown next to what you write"),
            "kept": _("Until you close your account"),
            "required": True,
        },
        {
            "what": _("Age band (under 14, 14 to 17, 18 or older)"),
            "purpose": _(
                "Asking a guardian's consent for children under 14; who may vote"
            ),
            "kept": _("Until you close your account"),
            "required": True,
        },
        {
            "what": _("Home neighbourhood, preferred language"),
            "purpose": _("Showing your association first; the site's language"),
            "kept": _("Until you close your account"),
            "required": False,
        },
        {
            "what": _("A legal guardian's e-mail address (children under 14 only)"),
            "purpose": _("Sending the guardian the link to consent, once"),
            "kept_setting": "GUARDIAN_CONSENT_DAYS",
            "kept": _("Deleted when the guardian answers, at most %(days)s days"),
            "required": True,
        },
        {
            "what": _("What you write: posts, events, proposals, votes' records"),
            "purpose": _("Taking part in your neighbourhood's self-government"),
            "kept": _(
                "Until you delete it or close your account (votes: as the law on "
                "the vote requires)"
            ),
            "required": False,
        },
        {
            "what": _("Accounts that never confirmed their e-mail address"),
            "purpose": _("Finishing sign-up"),
            "kept_setting": "UNVERIFIED_ACCOUNT_DAYS",
            "kept": _("Deleted after %(days)s days"),
            "required": True,
        },
        {
            "what": _("Your data downloads"),
            "purpose": _("Giving you a copy of your data"),
            "kept_setting": "DATA_EXPORT_DAYS",
            "kept": _("Deleted after %(days)s days"),
            "required": False,
        },
        {
            "what": _("Record of e-mails sent to you"),
            "purpose": _("Delivering notifications and finding delivery faults"),
            "kept_setting": "EMAIL_LOG_DAYS",
            "kept": _("Deleted after %(days)s days"),
            "required": False,
        },
        {
            "what": _("Staff access log (who looked at personal data, when)"),
            "purpose": _("Safety measures required by law (PIPA Art. 29)"),
            "kept_setting": "ACCESS_LOG_RETENTION_DAYS",
            "kept": _("Kept for %(days)s days"),
            "required": True,
        },
    ],
    # Outsourced processing (처리위탁, Art. 26).
    "processors": [
        {
            "name": os.environ.get(
                "PRIVACY_EMAIL_PROVIDER", "The district's e-mail delivery provider"
            ),
            "task": _("Sending e-mails (sign-up, notifications, a guardian's link)"),
        },
        {
            "name": os.environ.get(
                "PRIVACY_HOSTING_PROVIDER", "The district's server hosting provider"
            ),
            "task": _("Running the servers and databases the site is stored on"),
        },
    ],
}

# Editors' avatars are not fetched from Gravatar: no e-mail hash leaves the site.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"district": {"level": "INFO"}},
}
