"""Site model → Pagefind search index: one search document per record, person, tổ and record type.

Pagefind writes the index in chunks that the browser fetches on demand, so the first query
downloads a small fraction of the index, whatever the number of records (measured in
bench/bench_site.py).

Each document is a small HTML page given to Pagefind (never published) whose parts carry
`data-pagefind-weight`: what a record *is* (its title) weighs most, what it is filed under (its
type, its owner) less, the text inside its PDF like ordinary text, and its list of signers least
— a record that a person signed among many others is not a record about that person. A person,
a tổ and a record type have their own document, titled with their name, so a query for a name
finds the person's page before the records that merely mention them. The site's pages
themselves are not indexed: navigation, legends and table labels never reach the index.

The search page (`src/hoso/data/site/search.js`) puts the documents holding a query of several
words as typed, whole words side by side, before the others (docs/site.md, "Search").

A large school's documents are split into parts of at most PART_SIZE, each a Pagefind index of
its own that the search page merges (Pagefind's `mergeIndex`): Pagefind's time for a word found
in N documents grows as N² (for each result it scans every match of every matching word), so 11
parts of about 930 documents answer a word found in every one of 10,000 records 4 to 5 times
sooner than one index (docs/site.md, "Search"). Part 0 is the bundle in `pagefind/` (the engine,
and the only part of a small school); part k is in `pagefind/p<k>/`, indexed under the language
tag `vi-x-p<k>` (BCP 47 private use: the same text processing as `vi`) so that a result's id,
which Pagefind prefixes with the language, says which part it came from. `pagefind/hoso-parts.json`
lists the parts.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import math
import os
import subprocess
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoso.config.models import Group, Person, RecordType
from hoso.config.vocab import role_name
from hoso.errors import HosoError
from hoso.messages import t
from hoso.site.model import Record, Site, fold

LANGUAGE = "vi"
BUNDLE = "pagefind"  # the folder of the search bundle, at the site root
PARTS_FILE = "hoso-parts.json"  # in BUNDLE: the index parts after the first, for the search page
# Documents per index part. Measured in Chromium at 10,000 records (docs/site.md), a word found in
# every record, typed once the page has loaded: parts of 500, 1,000, 2,000 and one index show their
# first result in 0.81, 0.66, 0.95 and 3.7 s (2 CPUs under a load of 9; medians of 5); smaller
# parts also mean more index chunks to fetch (216 KiB for that query with parts of 500, 43 KiB with
# parts of 1,000). A school below it has one index, as before parts existed.
PART_SIZE = 1000

# data-pagefind-weight of each part of a document (Pagefind: 0.0 to 10.0; ordinary text 1.0)
TITLE_WEIGHT = 10.0
FILED_UNDER_WEIGHT = 3.0  # a record's type and owner; a person's roles; a type's description
TEXT_WEIGHT = 1.0
SIGNERS_WEIGHT = 0.3
# The search page's ranking options (Pagefind's `ranking`, given to pagefind.options() as is),
# measured on the demo school (tests/test_site_browser.py):
# - termSimilarity 2 (default 1): an exact word weighs more than a longer one it begins ("an"
#   matches "Anh", "Ánh" too, and Vietnamese names are full of them);
# - pageLength 0.5 (0.75), termSaturation 1.2 (1.4): a document is short (a person: a name and
#   roles) or long (a PDF's text); a long PDF should not win by repeating a word, nor lose for
#   its length alone;
# - metaWeights: a match in the title counts 5 times (Pagefind's default), in `detail` (a record's
#   type, owner and year) twice: "nguyen van an" ranks the records he owns above those he signed.
RANKING: dict[str, Any] = {
    "termFrequency": 1.0,
    "termSimilarity": 2.0,
    "pageLength": 0.5,
    "termSaturation": 1.2,
    "metaWeights": {"title": 5.0, "detail": 2.0, "status": 0.0},
}

KIND_RECORD, KIND_PERSON, KIND_GROUP, KIND_TYPE = "record", "person", "group", "type"
# what a result is, as the search page labels it: kind -> message key
KINDS = {
    KIND_RECORD: "site.col.record",
    KIND_PERSON: "site.nav.people",
    KIND_GROUP: "site.nav.groups",
    KIND_TYPE: "site.nav.types",
}


class SearchIndexError(HosoError):
    pass


@dataclass(frozen=True)
class Document:
    """One search result: where it leads, its title, its weighted parts and what the result shows."""

    url: str  # relative to the site root
    title: str
    parts: tuple[tuple[str, float], ...]  # (text, data-pagefind-weight), after the title
    kind: str  # record | person | group | type (KINDS); the search page reads it from the URL
    detail: str = ""  # one line under the title (type · owner · year), words the parts hold
    status: str = ""  # a record's status id (da-duyet, …)


def record_url(record: Record) -> str:
    """Site-root-relative URL of a record's entry (the search page lives at the site root)."""
    return record.page.removesuffix(".md") + ".html#" + record.anchor


def signers(record: Record) -> str:
    return ", ".join(s.person_name or s.signer for s in record.signatures)


def content(record: Record) -> str:
    """A record's search text in one string (title, type, owner, year, signers, PDF text)."""
    parts = [record.title, record.rt.name, record.owner_name, record.loc.year, signers(record), record.text]
    text = " ".join(parts)
    return text + _d_words(text)


def _d_words(text: str) -> str:
    # Pagefind matches "ke hoach" to "kế hoạch" by itself, but đ is a letter of its own, not d
    # with a mark: the d-spelling of every đ word, once, so "dao tao" finds "đào tạo".
    extra = sorted({fold(w) for w in text.split() if "đ" in w or "Đ" in w})
    return ("\n" + " ".join(extra)) if extra else ""


def record_document(record: Record) -> Document:
    return Document(
        url=record_url(record),
        title=record.title,
        parts=(
            (record.rt.name, FILED_UNDER_WEIGHT),
            (record.owner_name, FILED_UNDER_WEIGHT),
            (record.loc.year, TEXT_WEIGHT),
            (record.text, TEXT_WEIGHT),
            (signers(record), SIGNERS_WEIGHT),
        ),
        kind=KIND_RECORD,
        detail=" · ".join([record.rt.name, record.owner_name, record.loc.year]),
        status=record.status,
    )


def person_document(site: Site, person: Person) -> Document:
    roles = []
    for r in person.roles:
        group = site.config.people.group(r.group) if r.group else None
        where = group.name if group else (r.class_ or "")
        roles.append(role_name(r.role) + (f" — {where}" if where else ""))
    return Document(
        url=f"nguoi/{person.id}.html",
        title=person.name,
        parts=(("; ".join(dict.fromkeys(roles)), FILED_UNDER_WEIGHT),),
        kind=KIND_PERSON,
        detail="; ".join(dict.fromkeys(roles)),
    )


def group_document(group: Group) -> Document:
    return Document(url=f"to/{group.id}.html", title=group.name, parts=(), kind=KIND_GROUP)


def type_document(rt: RecordType) -> Document:
    parts = tuple((text, FILED_UNDER_WEIGHT) for text in (rt.description, rt.basis) if text)
    return Document(url=f"loai/{rt.id}.html", title=rt.name, parts=parts, kind=KIND_TYPE)


def documents(site: Site) -> list[Document]:
    """Every search document of the site: its records, then its people, tổ and record types."""
    docs = [record_document(r) for r in site.records]
    docs += [person_document(site, p) for p in site.people()]
    docs += [group_document(g) for g in site.groups()]
    docs += [type_document(rt) for rt in site.types()]
    return docs


def document_html(doc: Document) -> str:
    """The page Pagefind indexes for `doc` (given to Pagefind only, never published).

    Each part with a đ also gets its d-spelling, right after it and weighing no more than
    ordinary text, so "dang thi" finds "Đặng Thị" in a title, words side by side, without making
    the title count twice."""
    e = html.escape
    body = [f'<h1 data-pagefind-weight="{TITLE_WEIGHT}" data-pagefind-meta="title">{e(doc.title)}</h1>']
    body += _folded_part(doc.title, TITLE_WEIGHT)
    for text, weight in doc.parts:
        if text.strip():
            body.append(f'<p data-pagefind-weight="{weight}">{e(text)}</p>')
            body += _folded_part(text, weight)
    # Metadata is searched too: `detail` holds only words the parts hold (and adds the boost of
    # RANKING); `status` ("Chờ duyệt") adds its words, which find records by status but weigh
    # nothing. Not Pagefind filters: their files differ from one build to the next (values in
    # hash order), and a commit must give the same bytes. The kind is read from the URL.
    meta = {"detail": doc.detail, "status": t("site.status." + doc.status) if doc.status else ""}
    hidden = "".join(f'<span data-pagefind-meta="{k}">{e(v)}</span>' for k, v in meta.items() if v)
    head = f'<head><meta charset="utf-8"><title>{e(doc.title)}</title></head>'
    main = f"<main data-pagefind-body>{''.join(body)}<div data-pagefind-ignore>{hidden}</div></main>"
    return f'<!DOCTYPE html><html lang="{LANGUAGE}">{head}<body>{main}</body></html>'


_SHORT = 300  # characters: a title, a name, a list of signers; longer text is a PDF's


def _folded_part(text: str, weight: float) -> list[str]:
    """The d-spelling of a part that holds a đ: all of it when short (so a phrase typed without
    đ stays whole), else each of its đ words once; weighing no more than ordinary text."""
    if "đ" not in text and "Đ" not in text:
        return []
    folded = fold(text) if len(text) <= _SHORT else _d_words(text).strip()
    return [f'<p data-pagefind-weight="{min(weight, TEXT_WEIGHT)}">{html.escape(folded)}</p>']


def build_index(site: Site, out_dir: Path) -> int:
    """Write `out_dir/pagefind/`; return the number of documents indexed."""
    return write_index(documents(site), out_dir)


def parts(docs: Sequence[Document], size: int = PART_SIZE) -> list[list[Document]]:
    """The documents split into ceil(len / size) parts, dealt in turn (document i goes to part
    i mod n), so that each part holds a like share of records, people, tổ and types: Pagefind
    ranks with each part's own statistics (how many documents hold a word, their mean length),
    and parts alike rank alike."""
    count = max(1, math.ceil(len(docs) / max(1, size)))
    return [list(docs[k::count]) for k in range(count)]


def part_language(k: int) -> str:
    return LANGUAGE if k == 0 else f"{LANGUAGE}-x-p{k}"


def part_folder(k: int) -> str:
    """Part k's folder inside BUNDLE ("" for part 0, the bundle itself)."""
    return "" if k == 0 else f"p{k}/"


_PART_FOLDERS = ("index/", "fragment/")


def _part_file(path: str) -> bool:
    """What a part after the first needs: its entry, metadata, index chunks and fragments (the
    engine, pagefind.js with its worker and WebAssembly, comes with part 0)."""
    return path == "pagefind-entry.json" or path.endswith(".pf_meta") or path.startswith(_PART_FOLDERS)


def write_index(docs: Sequence[Document], out_dir: Path, part_size: int = PART_SIZE) -> int:
    """Write the search bundle in `out_dir/pagefind/`, in parts; return the number of documents."""
    split = parts(docs, part_size)
    written: list[tuple[str, list[dict[str, Any]]]] = []
    try:
        with PagefindProcess() as pf:
            for k, part in enumerate(split):
                config = {"force_language": part_language(k)}
                index_id = pf.request({"type": "NewIndex", "config": config})["index_id"]
                pf.stream(
                    {
                        "type": "AddFile",
                        "index_id": index_id,
                        "url": doc.url,
                        "file_contents": document_html(doc),
                        "file_path": None,
                    }
                    for doc in part
                )
                # Not "WriteFiles": Pagefind answers it before its asynchronous writes reach the
                # disk (tokio files, never flushed), and the service exits when its stdin closes,
                # so under load some files were left empty (pagefind-entry.json of 0 bytes: search
                # broken, yet the build "succeeded"). GetFiles returns the same bytes; they are
                # written here.
                files = pf.request({"type": "GetFiles", "index_id": index_id}).get("files") or []
                if k:
                    files = [f for f in files if _part_file(str(f.get("path")))]
                written.append((part_folder(k), files))
    except HosoError:
        raise
    except Exception as exc:  # the Pagefind binary is missing or failed: the build must say so
        raise SearchIndexError("site.search-failed", error=f"{type(exc).__name__}: {exc}") from exc
    bundle = out_dir / BUNDLE  # OSError from here on: the build's "cannot write the site"
    for folder, files in written:
        _write_files(bundle / folder, files)
    manifest = [{"path": part_folder(k), "language": part_language(k)} for k in range(1, len(split))]
    (bundle / PARTS_FILE).write_text(json.dumps({"parts": manifest}, sort_keys=True) + "\n", encoding="utf-8")
    return len(docs)


def ranking_json() -> str:
    """The search page's ranking options, as the JSON its script reads."""
    return json.dumps(RANKING, sort_keys=True)


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
