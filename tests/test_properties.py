"""Property tests (hypothesis) for the path layout: make_slug, build_path, parse_path.

No test files: hypothesis generates the strings.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.config.vocab import OWNER_LEVELS
from hoso.records import MAX_SLUG_LEN, PathProblem, RecordPath, build_path, make_slug, parse_path

ARABIC_DIGITS = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # used with fullmatch: no trailing newline slips by

slugs = st.from_regex(r"\A[a-z0-9]{1,12}(-[a-z0-9]{1,12}){0,5}\Z").filter(lambda s: len(s) <= MAX_SLUG_LEN)
years = st.integers(1990, 2199).map(lambda y: f"{y}-{y + 1}")
vietnamese = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ")
        + list("ùúủũụừứửữựỳýỷỹỵ0123456789 -–—_.,:;()/\\'\"!?\t\n")
    ),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), vietnamese))
def test_make_slug_is_a_slug_or_empty(text: str) -> None:
    slug = make_slug(text)
    assert slug == "" or SLUG.fullmatch(slug), repr(slug)
    assert len(slug) <= MAX_SLUG_LEN
    assert make_slug(slug) == slug  # a slug is its own slug


@settings(max_examples=300, deadline=None)
@given(year=years, owner_level=st.sampled_from(OWNER_LEVELS), owner_id=slugs, type_id=slugs, slug=slugs)
def test_build_then_parse_round_trips(
    year: str, owner_level: str, owner_id: str, type_id: str, slug: str
) -> None:
    owner = None if owner_level == "truong" else owner_id
    path = build_path(year, owner_level, owner, type_id, slug)
    assert parse_path(path) == RecordPath(year, owner_level, owner, type_id, slug)
    assert RecordPath(year, owner_level, owner, type_id, slug).path == path


path_parts = st.one_of(
    slugs,
    years,
    st.sampled_from(["records", "truong", "to", "gv", "..", ".", "", "x.pdf", "A.PDF", "2024-2025\n"]),
    st.text(max_size=20),
    years.map(lambda y: y.translate(ARABIC_DIGITS)),  # a valid year in Arabic-Indic digits
    years.map(lambda y: y + "\n"),
    slugs.map(lambda s: s + "\n"),
)


@st.composite
def near_valid_paths(draw: st.DrawFn) -> str:
    """A valid record path with one component swapped for something from `path_parts`."""
    level = draw(st.sampled_from(OWNER_LEVELS))
    owner = None if level == "truong" else draw(slugs)
    parts = build_path(draw(years), level, owner, draw(slugs), draw(slugs)).split("/")
    index = draw(st.integers(0, len(parts) - 1))
    replacement = draw(path_parts)
    parts[index] = replacement + ".pdf" if index == len(parts) - 1 and draw(st.booleans()) else replacement
    return "/".join(parts)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(path_parts, max_size=8).map("/".join), near_valid_paths()))
def test_parse_path_raises_only_path_problem(path: str) -> None:
    try:
        rp = parse_path(path)
    except PathProblem as problem:
        assert problem.rule.startswith("placement.")
        return
    # whatever parse_path accepts is an exact, ASCII, layout path: building it back gives it again
    assert path.isascii(), repr(path)
    assert rp.path == path
    assert SLUG.fullmatch(rp.type_id) and SLUG.fullmatch(rp.slug)


@given(years)
def test_parse_path_accepts_every_layout(year: str) -> None:
    assert parse_path(f"records/{year}/truong/hoc-ba/lop-6a.pdf").owner_id is None
    assert parse_path(f"records/{year}/to/to-toan/ke-hoach/ke-hoach.pdf").owner_level == "to"
    assert parse_path(f"records/{year}/gv/nguyen-van-an/giao-an/tuan-1.pdf").owner_level == "giao-vien"


def test_parse_path_rejects_look_alikes_and_lookups() -> None:
    cases = {
        "records/2024-2025/gv/nguyen-van-an/giao-an/b\u0430i-1.pdf": "placement.slug",  # Cyrillic а
        "records/2024-2025/gv/nguyen-van-an/giao-an/bai-1.PDF": "placement.extension",
        "records/2024-2026/truong/hoc-ba/x.pdf": "placement.year",
        "records/\u0662\u0660\u0662\u0664-\u0662\u0660\u0662\u0665/truong/hoc-ba/x.pdf": "placement.year",
        "records/2024-2025\n/truong/hoc-ba/x.pdf": "placement.year",
        "records/2024-2025/truong/hoc-ba\n/x.pdf": "placement.slug",
        "records/2024-2025/truong/hoc-ba/x\n.pdf": "placement.slug",
        "records/2024-2025/hs/hoc-ba/x.pdf": "placement.layout",
        "records/2024-2025/gv/hoc-ba/x.pdf": "placement.layout",
        "tai-lieu/x.pdf": "placement.outside-records",
        "records/2024-2025/truong/hoc-ba/" + "a" * (MAX_SLUG_LEN + 1) + ".pdf": "placement.slug",
    }
    for path, rule in cases.items():
        try:
            parse_path(path)
        except PathProblem as problem:
            assert problem.rule == rule, (path, problem.rule)
        else:
            raise AssertionError(f"accepted {path!r}")
