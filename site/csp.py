"""Content-Security-Policy (django-csp) with a looser policy for Wagtail's admin, Permissions-Policy, and the report endpoint.

The public site runs no inline script and no inline style: every script is a
static ES module, page data travels in `<script type="application/json">`
blocks (data, never executed, so CSP does not apply to them), and styles are
static files (scripts may still set `element.style`, which CSP allows). So the
public policy is `'self'` only, with no nonces either, which also keeps the
anonymous page cache (district.cache) valid: a cached page has nothing
per-response in it.

Wagtail's admin (`/admin/`) still writes inline script and inline style, shows
upload previews from `blob:` URLs and frames its own previews: it gets
`DONGNE_ADMIN_CSP`, which allows exactly that on top of `'self'`. It is
served only to signed-in editors.

Violations are reported to `/csp-report/` (both the `report-uri` and the
Reporting API formats) and logged on the `district.csp` logger; bodies over
`DONGNE_CSP_REPORT_MAX_BYTES` are refused, and at most `DONGNE_CSP_REPORT_LOG_PER_MINUTE`
reports a minute are logged per process, so a hostile client can neither fill
the logs nor the memory.
"""

import json
import logging
import threading
import time
from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("district.csp")

ADMIN_PREFIX = "/admin/"


def is_admin_path(path: str) -> bool:
    return path.startswith(ADMIN_PREFIX)


class PolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin's policy under /admin/, plus Permissions-Policy."""

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and is_admin_path(request.path):
            parts.config = settings.DONGNE_ADMIN_CSP
        return parts

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        policy = getattr(settings, "PERMISSIONS_POLICY", None)
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(policy)
        return response


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(
        f"{feature}=({' '.join(origins)})" for feature, origins in features.items()
    )


class _LogBudget:
    """At most `per_minute` log lines a minute in this process; the rest are counted, then summarised."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.window = 0
        self.used = 0
        self.dropped = 0

    def take(self, per_minute: int) -> tuple[bool, int]:
        with self.lock:
            window = int(time.monotonic() // 60)
            dropped = 0
            if window != self.window:
                self.window, self.used, dropped = window, 0, self.dropped
                self.dropped = 0
            if self.used >= per_minute:
                self.dropped += 1
                return False, dropped
            self.used += 1
            return True, dropped


_budget = _LogBudget()


def _violations(payload: Any) -> list[dict]:
    """The violation bodies of a report: `{"csp-report": {...}}` (report-uri) or a Reporting API list."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        return [
            item["body"]
            for item in payload
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    return []


def _field(body: dict, *names: str) -> str:
    for name in names:
        if body.get(name) not in (None, ""):
            return str(body[name])[:300]
    return ""


@csrf_exempt  # browsers post reports without a token or cookies
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    limit = settings.DONGNE_CSP_REPORT_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return HttpResponse(status=413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse(status=413)
    try:
        violations = _violations(json.loads(body))
    except ValueError:
        return HttpResponse(status=400)
    for violation in violations[:10]:
        allowed, dropped = _budget.take(settings.DONGNE_CSP_REPORT_LOG_PER_MINUTE)
        if dropped:
            logger.warning("CSP: %d reports not logged in the last minute", dropped)
        if not allowed:
            continue
        logger.warning(
            "CSP violation: %s blocked %s on %s (%s:%s)",
            _field(violation, "effective-directive", "effectiveDirective")
            or _field(violation, "violated-directive"),
            _field(violation, "blocked-uri", "blockedURL") or "inline",
            _field(violation, "document-uri", "documentURL"),
            _field(violation, "source-file", "sourceFile"),
            _field(violation, "line-number", "lineNumber"),
        )
    return HttpResponse(status=204)
