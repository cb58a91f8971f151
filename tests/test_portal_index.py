"""The portal's reading of index.json, without building anything: the `locks` list (locks.yml,
optional within schema version 2) decides the locked years; an index.json without it is read as
before, from the khóa sổ events of the records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hoso.portal.index import BadIndex, parse

COMMIT = "a" * 40


def record(year: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "path": f"records/{year}/truong/so-ghi-dau-bai/a.pdf",
        "blob": "b" * 40,
        "size": 10,
        "year": year,
        "type": "so-ghi-dau-bai",
        "owner": {"level": "truong", "id": None, "name": "Nhà trường"},
        "title": "Sổ ghi đầu bài",
        "status": "da-duyet",
        "events": events,
        "url": "ho-so/a.html#a",
        "download": f"tep/records/{year}/truong/so-ghi-dau-bai/a.pdf",
    }


def index(**extra: Any) -> bytes:
    data = {
        "schema_version": 2,
        "generator": "hoso",
        "audience": "inspector",
        "commit": COMMIT,
        "commit_date": "2025-06-01T10:00:00+07:00",
        "school": {"name": "Trường A", "code": "1", "level": "thcs"},
        "record_types": [{"id": "so-ghi-dau-bai", "name": "Sổ ghi đầu bài"}],
        "counts": {},
        "missing": [],
        "records": [
            record("2023-2024", [{"date": "2024-07-31", "kind": "khoa-so"}]),
            record("2024-2025", []),
        ],
        **extra,
    }
    return json.dumps(data, ensure_ascii=False).encode()


def test_locked_years_come_from_the_locks_list() -> None:
    got = parse(index(locks=[{"year": "2024-2025", "types": ["so-ghi-dau-bai"], "since": "2025-06-01"}]))
    assert got.locks == {"2024-2025": {"so-ghi-dau-bai"}}
    assert got.locked("2024-2025")
    assert not got.locked("2023-2024")  # the list says so, whatever the events say


def test_a_whole_year_lock_covers_every_type() -> None:
    locks = [
        {"year": "2023-2024", "types": ["so-ghi-dau-bai"], "since": "2024-06-01"},
        {"year": "2023-2024", "types": [], "since": "2024-07-31"},
        {"year": "2023-2024", "types": ["hoc-ba"], "since": "2024-08-01"},
    ]
    assert parse(index(locks=locks)).locks == {"2023-2024": set()}


def test_without_the_list_the_events_decide() -> None:
    got = parse(index())
    assert got.locks is None
    assert got.locked("2023-2024") and not got.locked("2024-2025")


def test_a_bad_lock_is_refused() -> None:
    with pytest.raises(BadIndex):
        parse(index(locks=[{"year": "2024", "types": [], "since": "2025-06-01"}]))


def test_a_page_title_from_a_school_is_text_not_markup() -> None:
    """MkDocs' theme writes a page's title into <title> and the header unescaped: a school's name
    (from an index.json anyone may publish) must reach it escaped."""
    from hoso.portal.pages import _yaml_str

    assert str(_yaml_str('Trường <script>alert("x")</script>')) == (
        '"Trường &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"'
    )
