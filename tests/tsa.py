"""A real RFC 3161 time-stamping service over HTTP on 127.0.0.1, for the `--tsa` tests.

It answers `application/timestamp-query` POSTs with tokens signed by the demo TSA
(scripts/demo_pki/tsa.pem, under the demo intermediate the demo trust/ holds), at the real
time, through pyHanko's DummyTimeStamper; anything else gets HTTP 400.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from conftest import REPO_ROOT
from sigattacks import dummy_timestamper

from hoso.pdf import pki

DEMO_PKI = REPO_ROOT / "scripts" / "demo_pki"


def _stamper() -> Any:
    tsa = pki.load_issued(DEMO_PKI / "tsa.pem", DEMO_PKI / "tsa.key.pem")
    inter = pki.load_issued(DEMO_PKI / "intermediate-ca.pem", DEMO_PKI / "intermediate-ca.key.pem")
    return dummy_timestamper(tsa, inter)


@contextmanager
def tsa_server() -> Iterator[str]:
    """Serve until the block ends; yields the service URL."""
    from asn1crypto import tsp

    stamper = _stamper()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(400)
                return
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
