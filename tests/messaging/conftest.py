"""The messaging tests reuse the reporting world (a district, its organisations and people) and
the campaign's households; a small HTTP server stands in for the SMS gateway and Zalo."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.campaign.conftest import homes, mentor, other_mentor, village_a  # noqa: F401
from tests.reporting.conftest import commune_x, commune_y, district, media_root, other_district, world  # noqa: F401
from vuonlen.messaging.backends import locmem


@pytest.fixture(autouse=True)
def _locmem_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


class FakeGateway:
    """A real HTTP server on a free local port: it records each request and answers with the
    next queued (status, JSON body), or ``default`` when the queue is empty."""

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[tuple[int, dict]] = []
        self.default = (200, {"id": "gw-1"})
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                gateway.requests.append({"path": self.path, "headers": self.headers,  # case-insensitive
                                         "json": json.loads(body or b"{}")})
                status, answer = gateway.replies.pop(0) if gateway.replies else gateway.default
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    with FakeGateway() as server:
        yield server
