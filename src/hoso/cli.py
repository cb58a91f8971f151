"""Parse arguments, dispatch to a subcommand, map errors to exit codes. Nothing else."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from hoso import __version__
from hoso.errors import ConfigError, ExitCode, HosoError
from hoso.messages import lang, t

# argparse's own words, in Vietnamese (argparse looks them up through gettext).
_ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "đối số",
    "options": "tùy chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "show program's version number and exit": "hiện phiên bản rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu các đối số bắt buộc: %s",
    "unrecognized arguments: %s": "đối số không nhận ra: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)"
    ),
    "expected one argument": "cần đúng một giá trị",
    "argument %(argument_name)s: %(message)s": "đối số %(argument_name)s: %(message)s",
    "not allowed with argument %s": "không dùng cùng với đối số %s",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tùy chọn mơ hồ: %(option)s có thể là %(matches)s"
    ),
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "one of the arguments %s is required": "cần một trong các đối số %s",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
}


def _localize_argparse() -> None:
    if lang() != "vi":
        return

    def gettext(text: str) -> str:
        return _ARGPARSE_VI.get(text, text)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {t('cli.error-label')}: {message}\n")
        sys.stderr.write(t("cli.see-help", prog=self.prog) + "\n")
        raise SystemExit(int(ExitCode.USAGE))


def build_parser() -> argparse.ArgumentParser:
    _localize_argparse()
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="hoso", description=t("cli.description"), epilog=t("cli.epilog"), formatter_class=fmt
    )
    parser.add_argument(
        "--version", action="version", version=f"hoso {__version__}", help=t("cli.opt-version")
    )
    parser.add_argument("-C", "--repo", metavar=t("cli.metavar-dir"), help=t("cli.opt-repo"))
    sub = parser.add_subparsers(
        dest="command",
        metavar=t("cli.metavar-command"),
        title=t("cli.commands-title"),
        parser_class=_Parser,
    )

    def add(name: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=t(f"cli.{name}.help"),
            description=t(f"cli.{name}.description"),
            formatter_class=fmt,
        )
        p.add_argument(
            "-C",
            "--repo",
            metavar=t("cli.metavar-dir"),
            help=t("cli.opt-repo"),
            default=argparse.SUPPRESS,
        )
        return p

    p = add("check")
    p.add_argument("paths", nargs="*", metavar=t("cli.metavar-path"), help=t("cli.check.paths"))
    p.add_argument("--staged", action="store_true", help=t("cli.check.staged"))
    p.add_argument("--all", action="store_true", help=t("cli.check.all"))
    p.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.opt-format"))
    p.add_argument("--summary", action="store_true", help=t("cli.check.summary"))
    p.add_argument("--no-cache", action="store_true", help=t("cli.check.no-cache"))
    p.add_argument("--branch", metavar=t("cli.metavar-branch"), help=t("cli.check.branch"))
    p.add_argument("--range", metavar="A..B", help=t("cli.check.range"))
    p.add_argument("--ref", metavar=t("cli.metavar-branch"), help=t("cli.check.ref"))
    p.add_argument("--proposal", action="store_true", help=t("cli.check.proposal"))

    p = add("add")
    p.add_argument("file", metavar=t("cli.metavar-file"), help=t("cli.add.file"))
    p.add_argument("--type", required=True, metavar=t("cli.metavar-type"), help=t("cli.add.type"))
    p.add_argument("--owner", metavar=t("cli.metavar-owner"), help=t("cli.add.owner"))
    p.add_argument("--year", metavar="YYYY-YYYY", help=t("cli.add.year"))
    p.add_argument("--title", metavar=t("cli.metavar-title"), help=t("cli.add.title"))
    p.add_argument("--no-stage", action="store_true", help=t("cli.add.no-stage"))

    p = add("init")
    p.add_argument("dir", nargs="?", metavar=t("cli.metavar-dir"), help=t("cli.init.dir"))
    p.add_argument("--level", required=True, metavar=t("cli.metavar-level"), help=t("cli.init.level"))
    p.add_argument("--name", metavar=t("cli.metavar-title"), help=t("cli.init.name"))
    p.add_argument("--trust", action="append", choices=("vn",), help=t("cli.init.trust"))
    p.add_argument("--ci", action="append", choices=("github", "forgejo", "gitlab"), help=t("cli.init.ci"))
    p.add_argument("--hook", choices=("python", "system"), default="python", help=t("cli.init.hook"))
    p.add_argument("--hoso-repo", metavar="URL", help=t("cli.init.hoso-repo"))
    p.add_argument("--hoso-rev", metavar="REV", help=t("cli.init.hoso-rev"))

    p = add("trust")
    p.description = t("cli.trust.description-any")
    actions = p.add_subparsers(
        dest="action", required=True, metavar=t("cli.metavar-action"), parser_class=_Parser
    )
    a = actions.add_parser("add", help=t("cli.trust.add-any"), description=t("cli.trust.add-any"))
    a.add_argument("source", metavar=t("cli.metavar-trust"), help=t("cli.trust.source"))
    a.add_argument("-y", "--yes", action="store_true", help=t("cli.trust.yes"))
    a = actions.add_parser("list", help=t("cli.trust.list"), description=t("cli.trust.list"))
    a.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.opt-format"))

    p = add("verify")
    p.add_argument("files", nargs="+", metavar=t("cli.metavar-file"), help=t("cli.verify.files"))
    p.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.opt-format"))
    p.add_argument("--trust", action="append", metavar=t("cli.metavar-trust"), help=t("cli.verify.trust"))
    p.description = t("cli.verify.description") + "\n\n" + t("cli.verify.description-anywhere")

    p = add("sign")
    p.add_argument("file", metavar=t("cli.metavar-file"), help=t("cli.sign.file"))
    p.add_argument("--role", required=True, metavar=t("cli.metavar-role"), help=t("cli.sign.role"))
    p.add_argument("--p12", metavar=t("cli.metavar-file"), help=t("cli.sign.p12"))
    p.add_argument("--pkcs11-lib", metavar=t("cli.metavar-file"), help=t("cli.sign.pkcs11-lib"))
    p.add_argument("--token", metavar=t("cli.metavar-title"), help=t("cli.sign.token"))
    p.add_argument("--key-label", metavar=t("cli.metavar-title"), help=t("cli.sign.key-label"))
    p.add_argument("--tsa", metavar="URL", help=t("cli.sign.tsa"))
    p.add_argument("--visible", action="store_true", help=t("cli.sign.visible"))
    p.add_argument("--image", metavar=t("cli.metavar-file"), help=t("cli.sign.image"))

    def who_and_remote(p: argparse.ArgumentParser) -> None:
        p.add_argument("--person", metavar=t("cli.metavar-person"), help=t("cli.opt-person"))
        p.add_argument(
            "--remote", default="origin", metavar=t("cli.metavar-remote"), help=t("cli.opt-remote")
        )

    p = add("submit")
    p.add_argument("paths", nargs="*", metavar=t("cli.metavar-file"), help=t("cli.submit.paths"))
    p.add_argument("--type", metavar=t("cli.metavar-type"), help=t("cli.submit.type"))
    p.add_argument("--owner", metavar=t("cli.metavar-owner"), help=t("cli.submit.owner"))
    p.add_argument("--year", metavar="YYYY-YYYY", help=t("cli.add.year"))
    p.add_argument("--title", metavar=t("cli.metavar-title"), help=t("cli.submit.title"))
    p.add_argument("--no-push", action="store_true", help=t("cli.submit.no-push"))
    who_and_remote(p)

    p = add("review")
    p.add_argument("--all", action="store_true", help=t("cli.review.all"))
    p.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.opt-format"))
    who_and_remote(p)

    p = add("approve")
    p.add_argument("branch", metavar=t("cli.metavar-branch"), help=t("cli.approve.branch"))
    p.add_argument("--role", default="to-truong", metavar=t("cli.metavar-role"), help=t("cli.approve.role"))
    p.add_argument("--p12", metavar=t("cli.metavar-file"), help=t("cli.sign.p12"))
    p.add_argument("--pkcs11-lib", metavar=t("cli.metavar-file"), help=t("cli.sign.pkcs11-lib"))
    p.add_argument("--token", metavar=t("cli.metavar-title"), help=t("cli.sign.token"))
    p.add_argument("--key-label", metavar=t("cli.metavar-title"), help=t("cli.sign.key-label"))
    p.add_argument("--tsa", metavar="URL", help=t("cli.sign.tsa"))
    p.add_argument("--visible", action="store_true", help=t("cli.approve.visible"))
    who_and_remote(p)

    p = add("reject")
    p.add_argument("branch", metavar=t("cli.metavar-branch"), help=t("cli.reject.branch"))
    p.add_argument("--ly-do", required=True, metavar=t("cli.metavar-reason"), help=t("cli.reject.reason"))
    who_and_remote(p)

    p = add("status")
    p.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.opt-format"))
    who_and_remote(p)

    p = add("install-server-hook")
    p.add_argument("bare_repo", metavar=t("cli.metavar-dir"), help=t("cli.install-server-hook.repo"))
    p.add_argument(
        "--protect",
        action="append",
        metavar=t("cli.metavar-branch"),
        help=t("cli.install-server-hook.protect"),
    )
    p.add_argument(
        "--pusher",
        choices=("gitolite", "forgejo", "gitea", "gitlab"),
        help=t("cli.install-server-hook.pusher"),
    )

    p = add("log")
    p.add_argument("path", nargs="?", metavar=t("cli.metavar-path"), help=t("cli.log.path"))
    p.add_argument("--person", metavar="P", help=t("cli.log.person"))
    p.add_argument("--since", metavar="YYYY-MM-DD", help=t("cli.log.since"))
    p.add_argument("--all", action="store_true", help=t("cli.log.all"))
    p.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.opt-format"))

    p = add("bundle")
    p.add_argument("--year", required=True, metavar="YYYY-YYYY", help=t("cli.bundle.year"))
    p.add_argument("--type", metavar=t("cli.metavar-type"), help=t("cli.bundle.type"))
    p.add_argument("--owner", metavar=t("cli.metavar-owner"), help=t("cli.bundle.owner"))
    p.add_argument("--out", required=True, metavar=t("cli.metavar-file"), help=t("cli.bundle.out"))
    p.add_argument("--print-date", metavar="YYYY-MM-DD", help=t("cli.bundle.print-date"))

    p = add("report")
    p.add_argument("--year", required=True, metavar="YYYY-YYYY", help=t("cli.report.year"))
    p.add_argument("--hoc-ky", type=int, choices=(1, 2), metavar="1|2", help=t("cli.report.hoc-ky"))
    p.add_argument("--format", choices=("pdf", "csv", "json", "xlsx"), help=t("cli.report.format"))
    p.add_argument("--out", metavar=t("cli.metavar-file"), help=t("cli.report.out"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=t("cli.report.today"))
    p.add_argument("--force", action="store_true", help=t("cli.report.force"))

    p = add("backup")
    p.add_argument("--to", required=True, metavar=t("cli.metavar-dir"), help=t("cli.backup.to"))
    p.add_argument("--keep", type=int, metavar="N", help=t("cli.backup.keep"))

    p = add("restore")
    p.add_argument("backup", metavar=t("cli.metavar-backup"), help=t("cli.restore.backup"))
    p.add_argument("dir", metavar=t("cli.metavar-dir"), help=t("cli.restore.dir"))

    p = add("validate-config")
    p.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.opt-format"))

    p = add("retention")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help=t("cli.retention.as-of"))
    p.add_argument("--due", action="store_true", help=t("cli.retention.due"))
    p.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.opt-format"))

    p = add("site")
    actions = p.add_subparsers(dest="action", required=True, metavar="build|serve", parser_class=_Parser)
    a = actions.add_parser("build", help=t("cli.site.build"), description=t("cli.site.build"))
    a.add_argument(
        "--audience", choices=("inspector", "public"), default="inspector", help=t("cli.site.audience")
    )
    a.add_argument("--out", metavar=t("cli.metavar-dir"), help=t("cli.site.out"))
    a.add_argument("--today", metavar="YYYY-MM-DD", help=t("cli.site.today"))
    a.add_argument("--replace-other-audience", action="store_true", help=t("cli.site.replace-other-audience"))
    a = actions.add_parser("serve", help=t("cli.site.serve"), description=t("cli.site.serve"))
    a.add_argument(
        "--audience", choices=("inspector", "public"), default="inspector", help=t("cli.site.audience")
    )
    a.add_argument("--out", metavar=t("cli.metavar-dir"), help=t("cli.site.out"))
    a.add_argument("--host", default="127.0.0.1", help=t("cli.site.host"))
    a.add_argument("--port", type=int, default=8000, help=t("cli.site.port"))
    a.add_argument("--no-build", action="store_true", help=t("cli.site.no-build"))
    a.add_argument("--today", metavar="YYYY-MM-DD", help=t("cli.site.today"))
    a.add_argument("--replace-other-audience", action="store_true", help=t("cli.site.replace-other-audience"))

    p = add("audit")
    p.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.opt-format"))

    p = add("portal")
    actions = p.add_subparsers(dest="action", required=True, metavar="build", parser_class=_Parser)
    a = actions.add_parser("build", help=t("cli.portal.build"), description=t("cli.portal.build"))
    a.add_argument("--schools", required=True, metavar=t("cli.metavar-file"), help=t("cli.portal.schools"))
    a.add_argument("--out", metavar=t("cli.metavar-dir"), help=t("cli.portal.out"))
    a.add_argument("--audience", choices=("inspector", "public"), help=t("cli.portal.audience"))
    a.add_argument("--cache", metavar=t("cli.metavar-dir"), help=t("cli.portal.cache"))
    return parser


COMMANDS = {
    "check": "hoso.commands.check",
    "add": "hoso.commands.add",
    "init": "hoso.commands.init",
    "validate-config": "hoso.commands.validate_config",
    "backup": "hoso.commands.backup",
    "restore": "hoso.commands.restore",
    "verify": "hoso.commands.verify",
    "trust": "hoso.commands.trust",
    "sign": "hoso.commands.sign",
    "install-server-hook": "hoso.commands.install_server_hook",
    "log": "hoso.commands.log",
    "submit": "hoso.commands.submit",
    "review": "hoso.commands.review",
    "approve": "hoso.commands.approve",
    "reject": "hoso.commands.reject",
    "status": "hoso.commands.status",
    "retention": "hoso.commands.retention",
    "audit": "hoso.commands.audit",
    "bundle": "hoso.commands.bundle",
    "report": "hoso.commands.report",
    "site": "hoso.commands.site",
    "portal": "hoso.commands.portal",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return int(exc.code) if isinstance(exc.code, int) else int(ExitCode.USAGE)
    if not args.command:
        parser.print_help(sys.stderr)
        return int(ExitCode.USAGE)
    if not hasattr(args, "repo"):
        args.repo = None
    module = importlib.import_module(COMMANDS[args.command])
    try:
        return int(module.run(args))
    except ConfigError as exc:
        sys.stderr.write(exc.render() + "\n")
        sys.stderr.write(t("config.fix-first") + "\n")
        return int(exc.exit_code)
    except HosoError as exc:
        sys.stderr.write(f"hoso: {exc.render()}\n")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write(t("cli.interrupted") + "\n")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
    except Exception:  # the one boundary for bugs: short message, details in a log to paste
        sys.stderr.write(t("cli.internal-error", version=__version__) + "\n")
        sys.stderr.write(t("cli.crash-log", path=_write_crash_log(argv)) + "\n")
        return int(ExitCode.INTERNAL)


def _write_crash_log(argv: Sequence[str] | None) -> str:
    import platform
    import tempfile
    import traceback

    text = (
        f"hoso {__version__} / Python {platform.python_version()} / {platform.platform()}\n"
        f"argv: {list(argv) if argv is not None else sys.argv[1:]}\n\n{traceback.format_exc()}"
    )
    try:
        fd, path = tempfile.mkstemp(prefix="hoso-crash-", suffix=".log")
        with open(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return path
    except OSError:
        sys.stderr.write(text)
        return "-"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
