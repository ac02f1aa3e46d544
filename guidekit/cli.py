"""Command line for guides: `python -m guidekit.cli validate|load|import|userdict|create-user|set-password|export|purge`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from guidekit.guides.loader import GuideFileError, guide_files, read_guide_file


def _validate(directory: Path) -> int:
    failed = 0
    files = guide_files(directory)
    for path in files:
        try:
            read_guide_file(path)
        except GuideFileError as exc:
            failed += 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
    print(f"{len(files) - failed} of {len(files)} guide files valid")
    return 1 if failed else 0


def _load(directory: Path, url: str) -> int:
    from guidekit.db.engine import get_engine
    from guidekit.guides.store import load_guides

    report = load_guides(get_engine(url), directory)
    print(report.summary())
    return 1 if report.refused else 0


def _digest(url: str, verify_days: int, webhook) -> int:
    """What waits for each editor, one line each (the log gets it too; the webhook when set)."""
    import logging

    from sqlalchemy.orm import Session

    from guidekit.db.engine import get_engine
    from guidekit.editorial.digest import send_digest

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with Session(get_engine(url)) as session:
        digest = send_digest(session, verify_days, webhook)
    print(f"digest: {len(digest)} people with something waiting")
    return 0


def _import(path: Path, url: str, mapping, papers, dry_run: bool, sayings=None, plain=None) -> int:
    """An official export (xlsx, csv, json) as drafts by "importer"; problems as file:row:column: message."""
    from guidekit.catalogue.importer import import_export
    from guidekit.catalogue.papers import PAPER_NAMES
    from guidekit.catalogue.problems import ExportUnreadable
    from guidekit.db.engine import get_engine

    try:
        report = import_export(
            path,
            get_engine(url),
            mapping=mapping,
            papers=papers or PAPER_NAMES,
            dry_run=dry_run,
            sayings=sayings,
            plain=plain,
        )
    except ExportUnreadable as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{path}: not imported", file=sys.stderr)
        return 1
    print(report.summary())
    for problem in report.problems:
        print(problem, file=sys.stderr)
    return 0


def _userdict(url: str, out: Path) -> int:
    from sqlalchemy.orm import Session

    from guidekit.db.engine import get_engine
    from guidekit.guides.store import list_guides
    from guidekit.understanding.userdict import write_userdict

    with Session(get_engine(url)) as session:
        guides = list_guides(session)
    if not guides:
        print("no guides in the database: run `load` first", file=sys.stderr)
        return 1
    path = write_userdict(guides, out)
    print(f"wrote {path}")
    return 0


def _create_user(url: str, username: str, role: str, password_stdin: bool) -> int:
    import getpass

    from sqlalchemy.orm import Session

    from guidekit.db.engine import get_engine
    from guidekit.editorial.workflow import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {username}: ")
        if getpass.getpass("again: ") != password:
            print("the two passwords differ; nothing created", file=sys.stderr)
            return 1
    try:
        with Session(get_engine(url)) as session, session.begin():
            create_user(session, username, password, role, by="cli")
    except ValueError as exc:
        print(f"not created: {exc}", file=sys.stderr)
        return 1
    print(f"created {role} {username}")
    return 0


def _set_password(url: str, username: str, password_stdin: bool) -> int:
    """A new password for an account; every session of the account ends."""
    import getpass

    from sqlalchemy.orm import Session

    from guidekit.db.engine import get_engine
    from guidekit.editorial.workflow import set_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"new password for {username}: ")
        if getpass.getpass("again: ") != password:
            print("the two passwords differ; nothing changed", file=sys.stderr)
            return 1
    try:
        with Session(get_engine(url)) as session, session.begin():
            set_password(session, username, password, by="cli")
    except LookupError:
        print(f"not changed: no account {username!r}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"not changed: {exc}", file=sys.stderr)
        return 1
    print(f"new password set for {username}; their sessions have ended")
    return 0


def _export(url: str, out: Path) -> int:
    from sqlalchemy.orm import Session

    from guidekit.db.engine import get_engine
    from guidekit.editorial.workflow import guide_to_yaml
    from guidekit.guides.store import list_guides

    out.mkdir(parents=True, exist_ok=True)
    with Session(get_engine(url)) as session:
        guides = list_guides(session)
    for guide in guides:
        (out / f"{guide.id}.yml").write_text(guide_to_yaml(guide), encoding="utf-8")
    print(f"exported {len(guides)} published guides to {out}")
    return 0


def _purge(settings, days) -> int:
    from guidekit.quality.retention import purge

    report = purge(settings.database_url, settings.tracker_store_url, days or settings.retention_days)
    print(report)
    return 0


def _migrate(database_url: str) -> int:
    """Before deploying a release: the database to the newest schema (every process would also do it at start)."""
    from sqlalchemy.engine import make_url

    from guidekit.db import migrate
    from guidekit.db.engine import get_engine

    engine = get_engine(database_url)
    with engine.connect() as connection:
        at = migrate.current(connection)
    print(
        f"{make_url(database_url).render_as_string(hide_password=True)}: schema at revision {at} "
        f"(newest {migrate.head()})"
    )
    return 0 if at == migrate.head() else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="guidekit")
    sub = parser.add_subparsers(dest="command", required=True)
    p_validate = sub.add_parser("validate", help="check every guide file, change nothing")
    p_validate.add_argument("directory", type=Path, nargs="?", default=Path("guides"))
    p_load = sub.add_parser("load", help="load valid guide files into the database (idempotent)")
    p_load.add_argument("directory", type=Path, nargs="?", default=None)
    p_import = sub.add_parser(
        "import", help="import an official export (xlsx, csv, json) as drafts for review; never publishes"
    )
    p_import.add_argument("file", type=Path)
    p_import.add_argument("--mapping", type=Path, default=None, help="YAML: the platform's column names → GB/T 39046")
    p_import.add_argument(
        "--papers", type=Path, default=None, help="paper names (default guidekit/data/paper_names.yml)"
    )
    p_import.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
    p_import.add_argument(
        "--sayings",
        type=Path,
        default=None,
        help="YAML: 基本编码 → purpose and example messages (catalogue/*-sayings.yml)",
    )
    p_import.add_argument(
        "--plain",
        type=Path,
        default=None,
        help="YAML: 基本编码 → the editors' plain texts by field (eligibility, material-0 …; catalogue/*-plain.yml)",
    )
    p_dict = sub.add_parser("userdict", help="write the jieba user dictionary from the database")
    p_dict.add_argument("--out", type=Path, default=Path("bot/jieba_userdict"))
    p_user = sub.add_parser("create-user", help="create an editor account (the first one: --role admin)")
    p_user.add_argument("username")
    p_user.add_argument("--role", choices=("editor", "reviewer", "admin"), default="admin")
    p_user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p_password = sub.add_parser("set-password", help="set a new password for an account (ends its sessions)")
    p_password.add_argument("username")
    p_password.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p_export = sub.add_parser("export", help="write the published guides as guide files (YAML)")
    p_export.add_argument("out", type=Path)
    p_purge = sub.add_parser("purge", help="remove conversations older than the retention period")
    p_purge.add_argument("--days", type=float, default=None, help="default: BANSHI_RETENTION_DAYS (180)")
    sub.add_parser("migrate", help="upgrade the database (BANSHI_DATABASE_URL) to the newest schema")
    p_digest = sub.add_parser("digest", help="the editors' daily digest: log (and webhook) what waits for each")
    p_digest.add_argument("--days", type=int, default=None, help="overdue after (default BANSHI_EDITOR_VERIFY_DAYS)")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.directory)
    from guidekit.settings import get_settings

    settings = get_settings()
    if args.command == "load":
        return _load(args.directory or Path(settings.guides_dir), settings.database_url)
    if args.command == "digest":
        return _digest(settings.database_url, args.days or settings.editor_verify_days, settings.editor_digest_webhook)
    if args.command == "import":
        return _import(
            args.file, settings.database_url, args.mapping, args.papers, args.dry_run, args.sayings, args.plain
        )
    if args.command == "create-user":
        return _create_user(settings.database_url, args.username, args.role, args.password_stdin)
    if args.command == "set-password":
        return _set_password(settings.database_url, args.username, args.password_stdin)
    if args.command == "purge":
        return _purge(settings, args.days)
    if args.command == "export":
        return _export(settings.database_url, args.out)
    if args.command == "migrate":
        return _migrate(settings.database_url)
    return _userdict(settings.database_url, args.out)


if __name__ == "__main__":
    sys.exit(main())
