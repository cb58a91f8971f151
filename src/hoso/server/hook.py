"""The git server's hooks: pre-receive judges a push, post-receive writes the push log.

Git runs them in the bare repository with one line `<old> <new> <ref>` per updated ref on
stdin; during pre-receive the pushed objects are in quarantine (GIT_QUARANTINE_PATH…, kept by
hoso.git.process.git_env) and the refs are still those before the push. A non-zero exit refuses the whole
push; what we print reaches the pusher as `remote:` lines.

Authority comes from before the change: the protected branches from the server's own git
configuration (hoso.server.settings), catalog/people/locks/trust from the protected branch's
tip before the push, the pusher from the variable the git server sets.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from hoso.config import Config, load_config
from hoso.config.models import Person
from hoso.config.vocab import OWNER_DIRS
from hoso.errors import ConfigError, ExitCode, HosoError, worst
from hoso.evidence import EvidenceCache, cache_dir
from hoso.git.history import ZERO_OID, diff_entries, is_ancestor, merge_base
from hoso.git.objects import CommitSnapshot, object_types, peel_commit
from hoso.git.refs import refs
from hoso.messages import t
from hoso.records import RECORDS_DIR
from hoso.rules import engine
from hoso.rules.base import Finding
from hoso.server import pushlog, settings
from hoso.server.identity import APPROVER_ROLES, GOVERNOR_ROLES, holds, person_for_account, submission_owner
from hoso.server.proofs import governance_check

HOOK_TEMPLATE = """#!{python}
# hoso {name} hook, installed by `hoso install-server-hook`. {purpose}
import sys

from hoso.server.hook import main

sys.exit(main({name!r}))
"""
PURPOSES = {
    "pre-receive": "Refuses pushes that break the records' rules.",
    "post-receive": "Appends every accepted push to the push log, which keeps what it brought.",
}
ALLOWED_NAMESPACES = ("refs/heads/", "refs/tags/")


@dataclass(frozen=True)
class Update:
    old: str
    new: str
    ref: str

    @property
    def deletes(self) -> bool:
        return self.new == ZERO_OID

    @property
    def creates(self) -> bool:
        return self.old == ZERO_OID


def parse(lines: Sequence[str]) -> list[Update]:
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            found.append(Update(*parts))
    return found


class Refusal(HosoError):
    """One ref update refused before its content is judged: `ref: rule-id: what — what to do`."""

    def render(self) -> str:
        return f"{self.params.get('ref', '')}: {self.key}: {t(self.key, **self.params)}"


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")


# A change outside records/ that this push may carry without proof: the founding push's
# configuration, a submission branch's proposal, a side commit whose merge is judged itself.
GOVERNANCE_NOTE = "history.governance"


def info_line(note: Finding, ref: str, *, protected: bool, founding: bool) -> str:
    """`ℹ thông tin: path: what was accepted and why (rule)` for a GOVERNANCE_NOTE finding."""
    if founding:
        key = "hook.info-founding"
    elif protected:
        key = "hook.info-governance-merged"
    else:
        key = "hook.info-governance-branch"
    text = t(key, path=note.path, rule=note.rule, ref=ref.removeprefix("refs/heads/"), **note.params)
    return f"{t('hook.info-label')}: {text}"


class PreReceive:
    def __init__(self, root: Path, env: Mapping[str, str]) -> None:
        self.root = root
        self.env = env
        self.settings = settings.load(root)
        if not self.settings.protected:
            raise settings.SettingsError("server.no-protected")
        self.before = refs(root)
        self.today = date.today()
        self.codes: set[ExitCode] = set()
        self.cache = EvidenceCache(root)
        self.account = self.settings.pusher(env)
        self._configs: dict[str, Config] = {}

    # -- authority ---------------------------------------------------------------------------

    @property
    def empty(self) -> bool:
        """No branch or tag yet: the first push founds the repository."""
        return not any(r.startswith(ALLOWED_NAMESPACES) for r in self.before)

    def authority(self, ref: str | None = None) -> str | None:
        """The tip, before this push, of the protected branch that judges `ref`."""
        if ref is not None and self.settings.is_protected(ref):
            return self.before.get(ref)
        return next((self.before[r] for r in self.settings.protected if r in self.before), None)

    def config(self, rev: str) -> Config:
        if rev not in self._configs:
            self._configs[rev] = load_config(self.root, CommitSnapshot(self.root, rev))
        return self._configs[rev]

    def pusher(self, authority: str) -> Person | None:
        if self.account is None:
            return None
        person = person_for_account(self.config(authority).people, self.account)
        if person is None:
            raise Refusal("hook.pusher-not-in-people", ExitCode.HISTORY, account=self.account)
        return person

    # -- one ref -----------------------------------------------------------------------------

    def judge(self, u: Update) -> None:
        if not u.ref.startswith(ALLOWED_NAMESPACES):
            raise Refusal("hook.ref-namespace", ExitCode.HISTORY, ref=u.ref)
        protected = self.settings.is_protected(u.ref)
        authority = self.authority(u.ref)
        founding = authority is None and self.empty and protected and u.creates
        if authority is None and not founding:
            missing = ", ".join(self.settings.protected)
            raise Refusal("hook.protected-missing", ExitCode.HISTORY, ref=missing)
        if u.deletes:
            if protected:
                raise Refusal("hook.delete-protected", ExitCode.HISTORY, ref=u.ref)
            assert authority is not None
            self.permit(u, self.pusher(authority), protected=False)
            return
        commit = self.commit_of(u)
        if founding:
            self.run(u, commit, authority=commit, protected=True, founding=True, pusher=None)
            return
        assert authority is not None
        pusher = self.pusher(authority)
        self.permit(u, pusher, protected=protected)
        self.own_folders(u, pusher, commit, authority, protected=protected)
        if protected and not is_ancestor(self.root, u.old, commit):
            raise Refusal("hook.force-push", ExitCode.HISTORY, ref=u.ref)
        self.run(u, commit, authority=authority, protected=protected, founding=False, pusher=pusher)

    def commit_of(self, u: Update) -> str:
        """The commit a ref will name: branches name commits; a tag may name a tag object."""
        kind = object_types(self.root, [u.new]).get(u.new)
        commit = peel_commit(self.root, u.new) if kind in ("commit", "tag") else None
        if commit is None or (u.ref.startswith("refs/heads/") and kind != "commit"):
            raise Refusal("hook.not-a-commit", ExitCode.HISTORY, ref=u.ref, kind=kind or "?")
        return commit

    def permit(self, u: Update, pusher: Person | None, *, protected: bool) -> None:
        """Who pushes what, where the server knows the pusher."""
        if pusher is None:
            return
        if holds(pusher, APPROVER_ROLES | GOVERNOR_ROLES, self.today):
            return  # approvers merge into main, counter-sign and reject on submission branches
        if protected:
            raise Refusal("hook.pusher-not-approver", ExitCode.HISTORY, ref=u.ref, person=pusher.id)
        if submission_owner(u.ref) != pusher.id:
            raise Refusal("hook.pusher-not-owner", ExitCode.HISTORY, ref=u.ref, person=pusher.id)

    def own_folders(
        self, u: Update, pusher: Person | None, commit: str, authority: str, *, protected: bool
    ) -> None:
        """A teacher's submission holds her own records: no record of another teacher's folder
        (a colleague's draft she was sent) reaches a branch the server knows is hers."""
        if pusher is None or protected or holds(pusher, APPROVER_ROLES | GOVERNOR_ROLES, self.today):
            return
        base = peel_commit(self.root, u.old) if not u.creates else merge_base(self.root, [authority, commit])
        for entry in diff_entries(self.root, base, commit, RECORDS_DIR):
            parts = entry.path.split("/")
            if len(parts) > 3 and parts[2] == OWNER_DIRS["giao-vien"] and parts[3] != pusher.id:
                raise Refusal(
                    "hook.colleagues-folder", ExitCode.HISTORY, ref=u.ref, path=entry.path, person=pusher.id
                )

    def run(
        self,
        u: Update,
        commit: str,
        *,
        authority: str,
        protected: bool,
        founding: bool,
        pusher: Person | None,
    ) -> None:
        from hoso.commands.check import report

        result = engine.run_range(
            self.root,
            None if u.creates else peel_commit(self.root, u.old),
            commit,
            ref=u.ref,
            cache=self.cache,
            authority=authority,
            protected=protected,
            known_refs_only=True,
            proof=governance_check(self.root, pusher, self.today),
            founding=founding,
            config=self.config(authority),
        )
        _say(t("hook.checking", ref=u.ref))
        # what was accepted and why is said as information, never in a refusal's words
        notes = [f for f in result.findings if f.rule == GOVERNANCE_NOTE and f.severity == "warning"]
        result.findings = [f for f in result.findings if not any(f is n for n in notes)]
        for note in notes:
            _say(info_line(note, u.ref, protected=protected, founding=founding))
        sys.stdout.flush()
        code = report(result, "text", len(result.subjects), None)
        if code:
            self.codes.add(ExitCode(code))

    def __call__(self, updates: Sequence[Update]) -> int:
        try:
            for u in updates:
                try:
                    self.judge(u)
                except ConfigError as exc:
                    _say(exc.render())
                    self.codes.add(ExitCode.CONFIG)
                except Refusal as exc:
                    _say(exc.render())
                    self.codes.add(exc.exit_code)
                except HosoError as exc:
                    _say(f"hoso: {exc.key}: {exc.render()}")
                    self.codes.add(exc.exit_code)
        finally:
            self.cache.close()
        return int(worst(self.codes)) if self.codes else int(ExitCode.OK)


def pre_receive(updates: Sequence[Update], root: Path, env: Mapping[str, str]) -> int:
    try:
        code = PreReceive(root, env)(updates)
    except ConfigError as exc:
        _say(exc.render())
        code = int(exc.exit_code)
    except HosoError as exc:
        _say(f"hoso: {exc.key}: {exc.render()}")
        code = int(exc.exit_code)
    if code:
        _say(t("hook.refused"))
    return code


def post_receive(updates: Sequence[Update], root: Path, env: Mapping[str, str]) -> int:
    """Log what landed. A failure here cannot undo the push: it is reported, never silent."""
    try:
        conf = settings.load(root)
        account = conf.pusher(env) if conf.pusher_source else None
        person = None
        # who the account was in the people.yml the push was judged by: the protected
        # branch's tip before this push (its old value when the push moved it)
        before = {u.ref: u.old for u in updates if u.old != ZERO_OID}
        current = refs(root)
        authority = next((before.get(r) or current.get(r) for r in conf.protected if r in current), None)
        if account is not None and authority is not None:
            found = person_for_account(load_config(root, CommitSnapshot(root, authority)).people, account)
            person = found.id if found else None
        stamp = pushlog.now()
        entries = [
            pushlog.PushEntry(stamp, account, person, u.ref, u.old, u.new, _peeled(root, u.new))
            for u in updates
        ]
        unsigned: list[str] = []
        if entries:  # what the push brought stays reachable from the log (pushlog.kept)
            keep = pushlog.kept(root, entries, conf.is_protected)
            pushlog.append(root, entries, keep=keep, key=conf.log_key, unsigned=unsigned.append)
        if unsigned:  # logged all the same; the pusher sees no server path, the admin the detail
            _say(t("hook.log-unsigned"))
            _log(root, "post-receive", "push log entry written unsigned: " + "; ".join(unsigned))
    except HosoError as exc:
        _say(t("hook.log-failed", detail=exc.render()))
        return 1
    return 0


def _peeled(root: Path, oid: str) -> str | None:
    """The commit a pushed tag names (None for a deletion or a commit itself)."""
    if oid == ZERO_OID:
        return None
    commit = peel_commit(root, oid)
    return commit if commit != oid else None


def main(name: str = "pre-receive", stdin: TextIO | None = None, root: Path | None = None) -> int:
    """Entry point of the installed hooks: never a traceback (server paths stay private)."""
    try:
        updates = parse((stdin or sys.stdin).read().splitlines())
        where = root or Path.cwd()
        if name == "post-receive":
            return post_receive(updates, where, os.environ)
        return pre_receive(updates, where, os.environ)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # the pusher sees one line; the server's log keeps the detail
        _log_error(root or Path.cwd(), name)
        _say(t("hook.internal", kind=type(exc).__name__))
        sys.stderr.flush()
        return int(ExitCode.INTERNAL)


ERROR_LOG = "hook-errors.log"  # in hoso's folder of the bare repository: for the admin only


def _log_error(root: Path, name: str) -> None:
    import traceback

    _log(root, name, traceback.format_exc())


def _log(root: Path, name: str, text: str) -> None:
    try:
        path = cache_dir(root) / ERROR_LOG
        path.parent.mkdir(exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {pushlog.now()} {name}\n{text}\n")
    except OSError:
        pass  # nowhere to write: the refusal itself still stands
