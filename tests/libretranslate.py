"""A local server speaking LibreTranslate's HTTP API, for tests (no internet).

POST /translate {q, source, target, format, api_key?} → {translatedText,
detectedLanguage: {confidence, language}} (the latter only for source
"auto"); POST /detect {q, api_key?} → [{confidence, language}]; errors as
LibreTranslate answers them: 400/403/429/500 with {"error": "..."}.

"Translation" is a small dictionary of whole sentences plus a marker, so a
test can tell a translation from the original; `mode` switches the server to
an error, garbage, a hang. Every request is recorded in `requests`.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SENTENCES = {
    ("ko", "vi"): {
        "[G0] 회의는 언제인가요?": "Cuộc họp của [G0] là khi nào?",
        "[G2] 안건을 논의합시다": "Hãy thảo luận chương trình [G2]",
        "안녕하세요": "Xin chào",
    },
    ("vi", "ko"): {
        "Cuộc họp vào thứ Bảy tại [G3].": "회의는 토요일 [G3]에서 열립니다.",
        "Tôi sẽ tham gia.": "참석하겠습니다.",
    },
}


def detect(text: str) -> str:
    if re.search(r"[\uac00-\ud7a3]", text):
        return "ko"
    if re.search(
        r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệọỏốồổỗộớờởỡợụủứừửữựộ]", text, re.IGNORECASE
    ):
        return "vi"
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    return "en"


class FakeLibreTranslate:
    def __init__(self, api_key: str = ""):
        self.api_key = api_key
        self.mode = "ok"  # ok, 500, 429, 400, 403, garbage, notjson, hang, flaky
        self.requests: list[dict] = []
        self.hang_seconds = 3.0
        self._failures_left = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    payload = json.loads(raw or b"{}")
                except ValueError:
                    payload = {}
                server.requests.append({"path": self.path, **payload})
                status, body = server.answer(self.path, payload)
                if status == "hang":
                    time.sleep(server.hang_seconds)
                    status, body = 200, {"translatedText": "too late"}
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> "FakeLibreTranslate":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail_times(self, count: int, mode: str = "500") -> None:
        self.mode = "flaky"
        self._flaky_mode = mode
        self._failures_left = count

    def translations(self) -> list[dict]:
        return [r for r in self.requests if r["path"] == "/translate"]

    def answer(self, path: str, payload: dict):
        mode = self.mode
        if mode == "flaky":
            if self._failures_left > 0:
                self._failures_left -= 1
                mode = self._flaky_mode
            else:
                mode = "ok"
        if mode == "hang":
            return "hang", None
        if mode == "500":
            return 500, {"error": "Internal error"}
        if mode == "429":
            return 429, {"error": "Too many request limits violation"}
        if mode == "400":
            return 400, {"error": "Invalid request: missing q parameter"}
        if self.api_key and payload.get("api_key") != self.api_key:
            return 403, {"error": "Invalid API key"}
        if mode == "403":
            return 403, {"error": "Invalid API key"}
        if mode == "garbage":
            return 200, {"result": "???"}
        if mode == "notjson":
            return 200, b"<html>Bad gateway</html>"
        text = payload.get("q")
        if not isinstance(text, str):
            return 400, {"error": "Invalid request: missing q parameter"}
        if path == "/detect":
            return 200, [{"confidence": 90.0, "language": detect(text)}]
        if path != "/translate":
            return 404, {"error": "Not found"}
        source = payload.get("source", "auto")
        target = payload.get("target")
        if target not in ("ko", "en", "zh", "zh-Hans", "vi", "ja"):
            return 400, {"error": f"{target} is not supported"}
        detected = detect(text) if source == "auto" else source
        known = SENTENCES.get((detected, target), {})
        if detected == target:
            translated = text
        elif text in known:
            translated = known[text]
        else:
            translated = f"<{target}> {text}"
        body = {"translatedText": translated}
        if source == "auto":
            body["detectedLanguage"] = {"confidence": 90.0, "language": detected}
        return 200, body
