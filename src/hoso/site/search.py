"""Site model → Pagefind search index (one search record per school record).

Pagefind writes the index in chunks that the browser fetches on demand, so the first query
downloads a small fraction of the index, whatever the number of records (measured in
bench/bench_site.py). Each record's search text is its title, type, owner, year, signers and the
text inside the PDF.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hoso.errors import HosoError
from hoso.messages import t
from hoso.site.model import Record, Site, fold

LANGUAGE = "vi"


class SearchIndexError(HosoError):
    pass


def record_url(record: Record) -> str:
    """Site-root-relative URL of a record's entry (the search page lives at the site root)."""
    return record.page.removesuffix(".md") + ".html#" + record.anchor


def content(record: Record) -> str:
    signers = " ".join(s.person_name or s.signer for s in record.signatures)
    text = " ".join([record.title, record.rt.name, record.owner_name, record.loc.year, signers, record.text])
    # Pagefind matches "ke hoach" to "kế hoạch" by itself, but đ is a letter of its own, not d
    # with a mark: add the d-spelling of every đ word once, so "dao tao" finds "đào tạo".
    extra = sorted({fold(w) for w in text.split() if "đ" in w or "Đ" in w})
    return text + ("\n" + " ".join(extra) if extra else "")


def build_index(site: Site, out_dir: Path) -> int:
    """Write `out_dir/pagefind/`; return the number of records indexed."""
    try:
        with PagefindProcess() as pf:
            index_id = pf.request({"type": "NewIndex", "config": {"force_language": LANGUAGE}})["index_id"]
            pf.stream(
                {
                    "type": "AddRecord",
                    "index_id": index_id,
                    "url": record_url(record),
                    "content": content(record),
                    "language": LANGUAGE,
                    "meta": {
                        "title": record.title,
                        t("site.col.type"): record.rt.name,
                        t("site.col.owner"): record.owner_name,
                        t("site.col.year"): record.loc.year,
                        t("site.col.status"): t("site.status." + record.status),
                    },
                    "filters": {},
                    "sort": None,
                }
                for record in site.records
            )
            # Not "WriteFiles": Pagefind answers it before its asynchronous writes reach the disk
            # (tokio files, never flushed), and the service exits when its stdin closes, so under
            # load some files were left empty (pagefind-entry.json of 0 bytes: search broken, yet
            # the build "succeeded"). GetFiles returns the same bytes; they are written here.
            files = pf.request({"type": "GetFiles", "index_id": index_id}).get("files") or []
    except HosoError:
        raise
    except Exception as exc:  # the Pagefind binary is missing or failed: the build must say so
        raise SearchIndexError("site.search-failed", error=f"{type(exc).__name__}: {exc}") from exc
    _write_files(out_dir / "pagefind", files)  # OSError here: the build's "cannot write the site"
    return len(site.records)


def _write_files(folder: Path, files: list[dict[str, Any]]) -> None:
    if not any(str(f.get("path")) == "pagefind-entry.json" for f in files):
        raise SearchIndexError("site.search-failed", error="pagefind returned no pagefind-entry.json")
    for item in sorted(files, key=lambda f: str(f.get("path"))):
        rel = Path(str(item["path"]))
        if rel.is_absolute() or ".." in rel.parts:
            raise SearchIndexError("site.search-failed", error=f"unexpected file name {rel}")
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(item["content"]))


class PagefindProcess:
    """A synchronous client of `pagefind --service` (the binary shipped by `pagefind[bin]`).

    The service reads base64(JSON) requests ended by "," on stdin and answers likewise on stdout.
    The library's own async client waits 0.1 s between responses (100 s for 1,000 records), so
    requests are streamed here from a writer thread while this thread reads the answers.
    """

    def __init__(self) -> None:
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise SearchIndexError("site.search-failed", error="pagefind binary not found")
        self._proc = subprocess.Popen(
            [str(binary), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._next_id = 0
        self._buffer = bytearray()
        self._scanned = 0  # bytes of the buffer known to hold no "," (large answers stay linear)

    def __enter__(self) -> PagefindProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc.stdin:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def _encode(self, payload: dict[str, Any]) -> bytes:
        self._next_id += 1
        return base64.b64encode(json.dumps({"message_id": self._next_id, "payload": payload}).encode()) + b","

    def _next_response(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        end = self._buffer.find(b",", self._scanned)
        while end < 0:
            self._scanned = len(self._buffer)
            data = os.read(self._proc.stdout.fileno(), 1 << 20)
            if not data:
                raise SearchIndexError("site.search-failed", error="pagefind stopped unexpectedly")
            self._buffer += data
            end = self._buffer.find(b",", self._scanned)
        raw = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        self._scanned = 0
        payload: dict[str, Any] = json.loads(base64.b64decode(raw)).get("payload") or {}
        if payload.get("type") == "Error":
            raise SearchIndexError("site.search-failed", error=str(payload.get("message")))
        return payload

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None
        self._proc.stdin.write(self._encode(payload))
        self._proc.stdin.flush()
        return self._next_response()

    def stream(self, payloads: Iterable[dict[str, Any]]) -> int:
        """Send many requests while reading their answers (no pipe deadlock); return the count."""
        assert self._proc.stdin is not None
        stdin = self._proc.stdin
        messages = [self._encode(p) for p in payloads]
        failure: list[BaseException] = []

        def write() -> None:
            try:
                for message in messages:
                    stdin.write(message)
                stdin.flush()
            except OSError as exc:  # the service died: the reading side reports it
                failure.append(exc)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        try:
            for _ in messages:
                self._next_response()
        finally:
            writer.join(timeout=30)
        if failure:
            raise failure[0]
        return len(messages)
