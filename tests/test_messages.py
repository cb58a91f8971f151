"""Both languages: identical message keys and placeholders; every rule id has a message and a fix.

No test files: the sources under src/hoso are read as text to collect the ids they use.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from hoso.messages import CATALOGS, en, t, vi

SRC = REPO_ROOT / "src" / "hoso"
RULE_LITERAL = re.compile(r"""["']((?:format|placement|hygiene)\.[a-z0-9]+(?:-[a-z0-9]+)*)["']""")
KEY_PREFIXES = ("cli", "config", "git", "check", "summary", "owner", "validate", "add", "init")


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def string_literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def emitted_rule_ids() -> set[str]:
    """Every rule id the engine can emit, collected from the sources."""
    ids: set[str] = set()
    for path in [*sorted((SRC / "rules").glob("*.py")), SRC / "records.py"]:
        ids |= set(RULE_LITERAL.findall(path.read_text(encoding="utf-8")))
    # formats.py emits "format." + FormatFacts.kind: collect the kinds examine() can return
    structure = (SRC / "pdf" / "structure.py").read_text(encoding="utf-8")
    kinds = set(re.findall(r"""FormatFacts\(\s*["']([a-z-]+)["']""", structure))
    assert {"empty", "not-pdf", "truncated", "encrypted"} <= kinds
    ids |= {"format." + k for k in kinds if k != "pdf"}
    return ids


def test_rule_ids_were_found() -> None:
    ids = emitted_rule_ids()
    for expected in ("hygiene.traversal", "placement.owner-role", "format.too-large", "format.no-pages"):
        assert expected in ids
    assert len(ids) >= 25


def test_same_keys_in_both_languages() -> None:
    assert set(vi.MESSAGES) - set(en.MESSAGES) == set()
    assert set(en.MESSAGES) - set(vi.MESSAGES) == set()


@pytest.mark.parametrize("key", sorted(vi.MESSAGES))
def test_same_placeholders_in_both_languages(key: str) -> None:
    assert placeholders(vi.MESSAGES[key]) == placeholders(en.MESSAGES.get(key, "")), key


@pytest.mark.parametrize("rule", sorted(emitted_rule_ids()))
def test_every_rule_has_message_and_fix_in_both_languages(rule: str) -> None:
    for name, catalog in CATALOGS.items():
        assert catalog.get(rule, "").strip(), f"{name}: no message for {rule}"
        assert catalog.get(rule + ".fix", "").strip(), f"{name}: no fix for {rule}"


def test_no_fix_without_its_rule() -> None:
    for key in vi.MESSAGES:
        if key.endswith(".fix"):
            assert key[: -len(".fix")] in vi.MESSAGES, key


def test_every_message_key_used_in_the_sources_exists() -> None:
    pattern = re.compile(rf"^(?:{'|'.join(KEY_PREFIXES)})\.[a-z0-9]+(?:[.-][a-z0-9]+)*$")
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "messages" in path.parts:
            continue
        used |= {s for s in string_literals(path) if pattern.match(s)}
    assert used, "no message keys found in the sources"
    missing = sorted(k for k in used if k not in vi.MESSAGES and k not in en.MESSAGES)
    assert missing == []


def test_every_rule_is_documented_in_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(rule for rule in emitted_rule_ids() if f"`{rule}`" not in readme)
    assert missing == [], "README.md does not list these rule ids"


def test_language_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    assert t("format.empty") == vi.MESSAGES["format.empty"]
    for value in ("en", "EN", "en_US.UTF-8", " en "):
        monkeypatch.setenv("HOSO_LANG", value)
        assert t("format.empty") == en.MESSAGES["format.empty"]
    monkeypatch.setenv("HOSO_LANG", "fr")
    assert t("format.empty") == vi.MESSAGES["format.empty"]


def test_missing_placeholder_never_raises() -> None:
    assert "HTML" in t("format.not-pdf", detail="HTML")
    rendered = t("format.not-pdf")  # {detail} not given: shown plainly, no KeyError
    assert vi.MESSAGES["format.not-pdf"] in rendered
    assert t("khong.co.khoa") == "khong.co.khoa"


def test_a_placeholder_named_key_is_allowed() -> None:
    # config.unknown-key has a {key} placeholder: t()'s own first parameter must not clash with it
    assert "'nickname'" in t("config.unknown-key", key="nickname", where="people.0")
