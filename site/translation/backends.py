"""Translation backends. One real one: LibreTranslate's HTTP API, self-hostable and open source.

A backend translates one text from `source` ("auto" or a site language code)
into `target` (a site language code, `settings.LANGUAGES`) and returns the
text and the detected source language. It raises `TranslationUnavailable`
(retry later: time-out, 429, 5xx, unreadable answer) or `TranslationRefused`
(asking again will not help: 400, 403).
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class TranslationError(Exception):
    """The backend could not translate the text."""


class TranslationUnavailable(TranslationError):
    """Temporary: worth retrying later."""


class TranslationRefused(TranslationError):
    """Permanent for this text (bad request, bad key)."""


@dataclass(frozen=True)
class Result:
    text: str
    source_language: str  # a site language code, or "" when unknown


class Backend:
    def translate(self, text: str, *, source: str, target: str, format: str) -> Result:
        raise NotImplementedError


# Site language codes (Django's) ↔ LibreTranslate's. Chinese is "zh" in older
# LibreTranslate versions and "zh-Hans" in newer ones: LIBRETRANSLATE_LANGUAGE_CODES
# overrides the outgoing code; every known spelling is read back.
DEFAULT_CODES = {"ko": "ko", "en": "en", "zh-hans": "zh", "vi": "vi", "ja": "ja"}
INCOMING = {
    "zh": "zh-hans",
    "zh-hans": "zh-hans",
    "zh-cn": "zh-hans",
    "zh_hans": "zh-hans",
    "zt": "zh-hant",
    "zh-hant": "zh-hant",
}


def outgoing_code(code: str) -> str:
    codes = {**DEFAULT_CODES, **getattr(settings, "LIBRETRANSLATE_LANGUAGE_CODES", {})}
    return codes.get(code.lower(), code)


def incoming_code(code: str) -> str:
    code = (code or "").strip().lower()
    return INCOMING.get(code, code)


class LibreTranslateBackend(Backend):
    """POST {url}/translate with q, source, target, format and the optional api_key.

    Settings: LIBRETRANSLATE_URL, LIBRETRANSLATE_API_KEY (optional),
    LIBRETRANSLATE_TIMEOUT (seconds, default 10).
    """

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
    ):
        self.url = (url or settings.LIBRETRANSLATE_URL).rstrip("/")
        self.api_key = (
            api_key
            if api_key is not None
            else getattr(settings, "LIBRETRANSLATE_API_KEY", "")
        )
        self.timeout = timeout or getattr(settings, "LIBRETRANSLATE_TIMEOUT", 10)

    def _post(self, path: str, payload: dict):
        if self.api_key:
            payload = {**payload, "api_key": self.api_key}
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(2_000_000)
        except urllib.error.HTTPError as error:
            detail = _error_text(error)
            if error.code in (400, 403, 404, 413):
                raise TranslationRefused(f"{error.code} {detail}") from None
            raise TranslationUnavailable(f"{error.code} {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TranslationUnavailable(f"unreachable: {error}") from None
        try:
            return json.loads(body)
        except ValueError:
            raise TranslationUnavailable("answer is not JSON") from None

    def translate(self, text: str, *, source: str, target: str, format: str) -> Result:
        data = self._post(
            "/translate",
            {
                "q": text,
                "source": "auto" if source == "auto" else outgoing_code(source),
                "target": outgoing_code(target),
                "format": "html" if format == "html" else "text",
            },
        )
        if not isinstance(data, dict) or not isinstance(
            data.get("translatedText"), str
        ):
            raise TranslationUnavailable("answer has no translatedText")
        detected = data.get("detectedLanguage")
        language = ""
        if isinstance(detected, dict) and isinstance(detected.get("language"), str):
            language = incoming_code(detected["language"])
        elif source != "auto":
            language = source
        return Result(data["translatedText"], language)

    def detect(self, text: str) -> str:
        data = self._post("/detect", {"q": text})
        if not isinstance(data, list) or not data or not isinstance(data[0], dict):
            raise TranslationUnavailable("answer is not a list of guesses")
        return incoming_code(str(data[0].get("language", "")))


def _error_text(error: urllib.error.HTTPError) -> str:
    try:
        data = json.loads(error.read(10_000))
        return str(data.get("error", ""))[:150] if isinstance(data, dict) else ""
    except (ValueError, OSError):
        return ""


class EchoBackend(Backend):
    """For development without a server: marks the text instead of translating it."""

    def translate(self, text: str, *, source: str, target: str, format: str) -> Result:
        return Result(f"[{target}] {text}", source if source != "auto" else "")


@cache
def _backend_class(path: str) -> type[Backend]:
    return import_string(path)


def get_backend() -> Backend | None:
    path = getattr(settings, "TRANSLATION_BACKEND", None)
    if not path:
        return None
    return _backend_class(path)()
