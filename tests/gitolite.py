"""A real Gitolite behind a real sshd, for tests that push over SSH as Gitolite users.

Debian's gitolite3 (`gitolite`, /usr/share/gitolite3/gitolite-shell) is set up in a temporary
HOME owned by the current user (`gitolite setup -pk admin.pub`), with one ed25519 key per user
(made by ssh-keygen, no passphrase) and a gitolite.conf written before the setup. Debian's
openssh-server (/usr/sbin/sshd, an absolute path: sshd re-executes itself) then runs in the
foreground on 127.0.0.1 on a free port, with its own host key, Gitolite's authorized_keys and
`SetEnv HOME=<gitolite home>` (sshd would set HOME from the login user's passwd entry). Everyone
logs in as the current user; the key picks the Gitolite user, as on a real server.

Test files: none checked in; keys and configuration are generated in the temporary folder.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = Path("/usr/sbin/sshd")
GITOLITE_SHELL = Path("/usr/share/gitolite3/gitolite-shell")
PRIVSEP_DIR = Path("/run/sshd")  # Debian's sshd, started as root, refuses to run without it
ADMIN = "admin"


def require_tools() -> None:
    """Fail under CI=true (the tools are part of the test setup, .ci/run installs them), skip elsewhere."""
    missing = [
        what
        for what, found in (
            ("gitolite (apt-get install gitolite3)", shutil.which("gitolite")),
            (f"{GITOLITE_SHELL} (gitolite3)", GITOLITE_SHELL.is_file()),
            (f"{SSHD} (apt-get install openssh-server)", os.access(SSHD, os.X_OK)),
            ("ssh (apt-get install openssh-client)", shutil.which("ssh")),
            ("ssh-keygen (openssh-client)", shutil.which("ssh-keygen")),
            ("git", shutil.which("git")),
        )
        if not found
    ]
    if missing:
        message = "Gitolite over SSH needs: " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} — required in CI (.ci/run installs them)", pytrace=False)
        pytest.skip(message)


def server_env(home: Path) -> dict[str, str]:
    """The environment of a server-side command run by hand (gitolite, hoso install-server-hook):
    the caller's, without any GIT_*/HOSO_* the tests set for clients, and HOME = Gitolite's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "HOSO_"))}
    env.update(HOME=str(home), USER=getpass.getuser())
    return env


def make_key(where: Path, name: str) -> Path:
    """A new ed25519 key pair `where/name` and `where/name.pub`, no passphrase; returns the private key."""
    where.mkdir(parents=True, exist_ok=True)
    key = where / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return key


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Gitolite:
    home: Path  # Gitolite's HOME: .gitolite.rc, .gitolite/, repositories/, .ssh/authorized_keys
    keys: dict[str, Path]  # Gitolite user -> private key
    port: int
    login: str  # the system account everyone logs in as (the key says who the user is)
    sshd_log: Path

    def bare(self, repo: str) -> Path:
        return self.home / "repositories" / f"{repo}.git"

    def url(self, repo: str) -> str:
        return f"ssh://{self.login}@127.0.0.1:{self.port}/{repo}"

    def ssh_command(self, user: str, *options: str) -> str:
        return shlex.join(
            [
                "ssh",
                "-i",
                str(self.keys[user]),
                "-p",
                str(self.port),
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "BatchMode=yes",
                "-o",
                "LogLevel=ERROR",
                *options,
            ]
        )

    def as_user(self, user: str, *ssh_options: str) -> dict[str, str]:
        """The environment of a git command that reaches the server as `user`."""
        return {"GIT_SSH_COMMAND": self.ssh_command(user, *ssh_options)}

    def gitolite(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`gitolite …` as the server's admin would run it in a shell."""
        return subprocess.run(
            ["gitolite", *args],
            env=server_env(self.home),
            cwd=self.home,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )


def _sshd_config(base: Path, home: Path, port: int) -> Path:
    config = base / "sshd_config"
    lines = [
        f"Port {port}",
        "ListenAddress 127.0.0.1",
        f'HostKey "{base / "host_ed25519"}"',
        f'PidFile "{base / "sshd.pid"}"',
        f'AuthorizedKeysFile "{home / ".ssh" / "authorized_keys"}"',  # Gitolite writes it
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",  # the temporary folders' modes are not sshd's business here
        "PermitRootLogin forced-commands-only",  # CI runs as root; every key has command="gitolite-shell …"
        "AllowTcpForwarding no",
        "X11Forwarding no",
        # sshd sets HOME from the login user's passwd entry; gitolite-shell needs its own HOME
        f'SetEnv "HOME={home}"',
        "LogLevel VERBOSE",
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _wait_for_ssh(port: int, proc: subprocess.Popen[bytes], timeout: float = 15.0) -> bool:
    """True once an SSH banner is served on the port; False if sshd exited first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(64).startswith(b"SSH-2.0-OpenSSH"):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _setup_gitolite(home: Path, keys: Mapping[str, Path], conf: str) -> None:
    admin_files = home / ".gitolite"
    for folder in ("conf", "keydir", "logs"):  # logs/: otherwise gitolite cannot even report errors
        (admin_files / folder).mkdir(parents=True, exist_ok=True)
    (admin_files / "conf" / "gitolite.conf").write_text(conf, encoding="utf-8")
    for user, key in keys.items():
        if user != ADMIN:
            shutil.copy(key.with_name(key.name + ".pub"), admin_files / "keydir" / f"{user}.pub")
    # the first setup keeps an existing conf/gitolite.conf, adds keydir/admin.pub, commits both to
    # gitolite-admin.git, creates the repositories the conf names and writes authorized_keys
    admin_pub = keys[ADMIN].with_name(keys[ADMIN].name + ".pub")
    proc = subprocess.run(
        ["gitolite", "setup", "-pk", str(admin_pub)],
        env=server_env(home),
        cwd=home,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, f"gitolite setup failed:\n{proc.stdout}{proc.stderr}"
    assert (home / ".ssh" / "authorized_keys").is_file(), proc.stderr


@contextmanager
def gitolite_over_ssh(base: Path, users: Iterable[str], repos: Iterable[str]) -> Iterator[Gitolite]:
    """Gitolite in `base/home` with `users` (plus `admin`) allowed RW+ on every repo of `repos`,
    served by sshd on 127.0.0.1 until the block ends."""
    require_tools()
    home = base / "home"
    home.mkdir(parents=True)
    names = [ADMIN, *users]
    keys = {name: make_key(base / "keys", name) for name in names}
    conf = "repo gitolite-admin\n    RW+     =   admin\n\n" + "".join(
        f"repo {repo}\n    RW+     =   @all\n\n" for repo in repos
    )
    _setup_gitolite(home, keys, conf)

    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(base / "host_ed25519")],
        check=True,
        capture_output=True,
        timeout=30,
    )
    if os.geteuid() == 0 and not PRIVSEP_DIR.is_dir():
        # what Debian's ssh.service does (RuntimeDirectory=sshd); left in place: it is shared
        PRIVSEP_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
    log = base / "sshd.log"
    # sshd builds the sessions' environment itself (HOME, PATH, SetEnv); its own stays minimal
    sshd_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for _ in range(3):  # the free port may be taken between free_port() and sshd's bind
        port = free_port()
        config = _sshd_config(base, home, port)
        check = subprocess.run(
            [str(SSHD), "-t", "-f", str(config)], capture_output=True, text=True, check=False, timeout=30
        )
        assert check.returncode == 0, f"sshd -t: {check.stderr}"
        proc = subprocess.Popen(
            [str(SSHD), "-D", "-f", str(config), "-E", str(log)],
            env=sshd_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _wait_for_ssh(port, proc):
            break
        _stop(proc)
        if "Address already in use" not in log.read_text(encoding="utf-8", errors="replace"):
            break
    else:
        pytest.fail("sshd could not bind a free port three times", pytrace=False)
    try:
        if proc.poll() is not None:
            detail = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            pytest.fail(f"sshd did not start:\n{detail}", pytrace=False)
        yield Gitolite(home, keys, port, getpass.getuser(), log)
    finally:
        _stop(proc)
