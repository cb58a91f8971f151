"""One helper for the tests that need a git server: a bare repository holding the demo school,
hoso's hooks installed by the real `hoso install-server-hook`, clones that push for real.

Also the reusable Caddy of docs/deploy.md (`caddy_server`): Debian's caddy on a free loopback
port with its own HOME and XDG folders, started and stopped around a test.

Test files: the demo school's catalog.yml, people.yml, trust/ and records/ (signed with the demo
PKI, scripts/demo_pki/, passphrase "demo"), copied into a new repository; signatures made at
test time with the same demo keys through `hoso sign`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from conftest import REPO_ROOT

from hoso.cli import main

DEMO_KEYS = REPO_ROOT / "scripts/demo_pki/people"
PRINCIPAL = "nguyen-van-hai"  # hiệu trưởng since 2018
VICE = "le-thi-thu-ha"  # phó hiệu trưởng
HEAD = "nguyen-van-an"  # tổ trưởng toan-tin from 2024-08-15
TEACHER = "pham-quoc-tuan"  # giáo viên (tổ trưởng toan-tin until 2024-08-14)
APPROVED = "records/2024-2025/truong/ke-hoach-giao-duc-nha-truong/ke-hoach-giao-duc-nha-truong-2024-2025.pdf"
LOCKED = "records/2023-2024/truong/ke-hoach-giao-duc-nha-truong/ke-hoach-giao-duc-nha-truong-2023-2024.pdf"


def git(
    cwd: Path, *args: str, check: bool = True, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def seed_demo(
    seed: Path, *, locks: str | None = None, branch: str = "main", server_key: str | None = None
) -> None:
    """The demo school in a new repository at `seed`; `server_key`: the server's push-log public
    key, registered under trust/may-chu/ as a school does."""
    seed.mkdir(parents=True)
    for name in ("catalog.yml", "people.yml"):
        shutil.copy(REPO_ROOT / name, seed / name)
    if locks is not None:
        (seed / "locks.yml").write_text(locks, encoding="utf-8")
    shutil.copytree(REPO_ROOT / "trust", seed / "trust")
    if server_key is not None:
        register_server_key(seed, server_key)
    shutil.copytree(REPO_ROOT / "records", seed / "records")
    git(seed, "init", "-q", "-b", branch)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "Trường mẫu")


def demo_server(
    tmp_path: Path,
    *,
    locks: str | None = None,
    branch: str = "main",
    hook_args: Sequence[str] = (),
    edit_seed: Callable[[Path], None] | None = None,
    register_key: bool = True,
) -> Path:
    """A bare repository holding the demo school on `branch`, with hoso's hooks installed; the
    server's push-log key (made by the install) registered in the school's trust/may-chu/ unless
    `register_key` is false. The school's commits reach the server around its hooks (a fetch),
    as the tests found it before."""
    bare = tmp_path / "truong.git"
    git(tmp_path, "init", "-q", "--bare", "-b", branch, str(bare))
    assert main(["install-server-hook", str(bare), *hook_args]) == 0
    seed = tmp_path / "seed"
    seed_demo(seed, locks=locks, branch=branch, server_key=server_public_key(bare) if register_key else None)
    if edit_seed is not None:
        edit_seed(seed)
        git(seed, "add", "-A")
        git(seed, "commit", "-q", "-m", "Cấu hình thử")
    git(bare, "fetch", "-q", str(seed), f"refs/heads/{branch}:refs/heads/{branch}")
    return bare


SERVER_KEY_FILE = "trust/may-chu/may-chu.pub"  # where a school registers its server's log key


def server_public_key(bare: Path) -> str:
    """The public key of the push-log key `hoso install-server-hook` made for `bare`."""
    from hoso.server.settings import log_key

    key = log_key(bare)
    assert key is not None, "install-server-hook names no log key"
    return Path(f"{key}.pub").read_text(encoding="utf-8").strip()


def register_server_key(work: Path, public: str) -> None:
    """Write the server's public key where readers look for it (to be committed by the caller)."""
    (work / SERVER_KEY_FILE).parent.mkdir(parents=True, exist_ok=True)
    (work / SERVER_KEY_FILE).write_text(public + "\n", encoding="utf-8")


def ssh_key(folder: Path, name: str) -> tuple[Path, str]:
    """A new ed25519 key without a passphrase (another server's, an attacker's): its private key
    file and its public key line."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
        check=True,
        capture_output=True,
    )
    return key, Path(f"{key}.pub").read_text(encoding="utf-8").strip()


def clone_as(server: Path, where: Path, person: str = "van-thu") -> Path:
    git(where.parent, "clone", "-q", str(server), str(where))
    git(where, "config", "user.name", person)
    git(where, "config", "user.email", f"{person}@truong-mau.invalid")
    return where


def push(work: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A real `git push origin …` (default HEAD:main); `env` reaches the server's hooks as a
    git server would set it (GL_USER, GITEA_PUSHER_NAME, GL_USERNAME)."""
    return git(work, "push", "origin", *(args or ("HEAD:main",)), check=False, env=env)


def commit(work: Path, message: str) -> str:
    """Commit everything, dated now: a commit never predates the signatures it brings (hoso
    sign signs with the real clock, and a claimed time after its commit is refused)."""
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    git(work, "add", "-A")
    git(
        work,
        "commit",
        "-q",
        "--no-verify",
        "-m",
        message,
        env={"GIT_AUTHOR_DATE": now, "GIT_COMMITTER_DATE": now},
    )
    return git(work, "rev-parse", "HEAD").stdout.strip()


def sign_as(work: Path, rel: str, person: str, role: str) -> None:
    """`hoso sign` with the demo key of `person` (HOSO_P12_PASSPHRASE=demo must be set)."""
    p12 = DEMO_KEYS / f"{person}.p12"
    assert main(["-C", str(work), "sign", str(work / rel), "--role", role, "--p12", str(p12)]) == 0


def countersign(work: Path, rel: str) -> None:
    """The demo hiệu trưởng signs `rel` in the clone `work`, as an approver would."""
    sign_as(work, rel, PRINCIPAL, "hieu-truong")


def add_to_person(people_yml: Path, person: str, lines: str) -> None:
    """Insert `lines` (already indented) right after `person`'s `- id:` line in a people.yml."""
    text = people_yml.read_text(encoding="utf-8")
    marker = f"  - id: {person}\n"
    at = text.index(marker) + len(marker)
    people_yml.write_text(text[:at] + lines + text[at:], encoding="utf-8")


# ---- Caddy (docs/deploy.md) -----------------------------------------------------------------------

CADDY_GLOBAL_OPTIONS = (
    "# added by the tests: no admin endpoint (shared port 2019), plain http on loopback\n"
    "{\n\tadmin off\n\tauto_https off\n}\n\n"
)


def require_caddy() -> str:
    """The `caddy` executable; fail under CI=true (.ci/run installs Debian's caddy), skip elsewhere."""
    import pytest

    found = shutil.which("caddy")
    if found is None:
        message = "caddy not found (apt-get install caddy)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} — required in CI (.ci/run installs it)", pytrace=False)
        pytest.skip(message)
    return found


def caddy_hash(password: str) -> str:
    """A bcrypt hash made by `caddy hash-password`, as docs/deploy.md tells a school to make it."""
    proc = subprocess.run(
        [require_caddy(), "hash-password", "--plaintext", password],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return proc.stdout.strip()


@dataclass
class Caddy:
    url: str  # http://127.0.0.1:<port>
    port: int
    log: Path  # caddy's stderr: its own messages and the access log of the template

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def caddy_server(caddyfile: str, where: Path, env: Mapping[str, str] | None = None) -> Iterator[Caddy]:
    """`caddy run` on a free 127.0.0.1 port with `caddyfile` (written to where/Caddyfile, so its
    relative imports resolve there), HOME and XDG dirs under `where`; waits until it answers and
    stops it on exit. `env` reaches the Caddyfile's {$VAR} placeholders, "{port}" in a value
    replaced by the port (Caddy does not expand a placeholder inside another)."""
    caddy = require_caddy()
    where.mkdir(parents=True, exist_ok=True)
    config = where / "Caddyfile"
    config.write_text(caddyfile, encoding="utf-8")
    home = where / "home"
    home.mkdir(exist_ok=True)
    log = where / "caddy.log"
    for _ in range(3):  # the free port may be taken between _free_port() and caddy's bind
        port = _free_port()
        run_env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "HOSO_"))}
        run_env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            **{name: value.replace("{port}", str(port)) for name, value in (env or {}).items()},
        )
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
                cwd=where,
                env=run_env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        server = Caddy(f"http://127.0.0.1:{port}", port, log)
        try:
            deadline = time.monotonic() + 30
            while proc.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise AssertionError(
                            f"caddy did not answer in 30 s:\n{server.log_text()[-3000:]}"
                        ) from None
                    time.sleep(0.05)
            if proc.poll() is not None:
                if "address already in use" in server.log_text():
                    continue
                raise AssertionError(f"caddy exited with {proc.returncode}:\n{server.log_text()[-3000:]}")
            yield server
            return
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    raise AssertionError(f"caddy found no free port in 3 tries:\n{log.read_text(errors='replace')[-3000:]}")
