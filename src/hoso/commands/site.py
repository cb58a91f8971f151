"""`hoso site build [--audience inspector|public] [--out DIR] [--replace-other-audience]` and
`hoso site serve`.

A folder holding the other audience's build is replaced only with --replace-other-audience
(hoso.site.build).

`serve` builds (unless --no-build) and serves the folder on 127.0.0.1 with Python's own HTTP
server: no live reload, no network beyond the loopback, stopped with Ctrl+C.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import socketserver
from datetime import date
from pathlib import Path

from hoso.commands._common import err, repo_root
from hoso.errors import ExitCode, NotFoundError, UsageError
from hoso.messages import t
from hoso.site.build import build, default_out
from hoso.site.publish import BUILD_INFO


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if not is_git:
        raise UsageError("site.not-git", path=str(root))
    out = Path(args.out).resolve() if args.out else None
    if args.action == "build" or not args.no_build:
        result = build(
            root,
            args.audience,
            out,
            today=_today(args.today),
            on_wait=_waiting,
            replace_other_audience=args.replace_other_audience,
        )
        for warning in result.warnings:
            err(t("site.warning", message=warning))
        err(
            t(
                "site.built",
                out=str(result.out),
                records=result.records,
                pages=result.pages,
                written=result.files_written,
                linked=result.files_linked,
                commit=result.site.commit[:10],
            )
        )
        out = result.out
    if args.action == "build":
        return int(ExitCode.OK)
    if out is None:
        out = default_out(root, args.audience)
    if not (out / BUILD_INFO).is_file():
        raise NotFoundError("site.not-built", path=str(out))
    return serve(out, args.host, args.port)


def _today(value: str | None) -> date | None:
    """--today: the day deadlines are judged on (None: today in Việt Nam)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError("site.bad-today", value=value) from None


def _waiting(pid: str, seconds: float) -> None:
    """Another build of this work tree holds the lock: say so once, then wait."""
    err(t("site.lock-wait", pid=pid, seconds=f"{seconds:g}"))


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the stdlib declares it as an instance attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".pdf": "application/pdf",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".pf_meta": "application/octet-stream",
        ".pf_fragment": "application/octet-stream",
        ".pf_index": "application/octet-stream",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass  # a quiet terminal: the person serving the site needs the address, not a request log


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(folder: Path, host: str, port: int) -> int:
    handler = functools.partial(_Handler, directory=str(folder))
    try:
        server = _Server((host, port), handler)
    except OSError as exc:
        raise UsageError("site.port-busy", host=host, port=str(port), error=exc.strerror or str(exc)) from exc
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    err(t("site.serving", url=f"http://{shown}:{bound_port}/", folder=str(folder)))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        err(t("site.stopped"))
    finally:
        server.server_close()
    return int(ExitCode.OK)
