"""``woo-redact``: the command line, a thin face over the library.

Exit codes are listed in ``redaction.errors``; every error is one sentence, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .errors import BadArguments, ExitCode, MissingDependency, RedactionError
from .render import ReleaseOptions

FILLS = {"black": (0.0, 0.0, 0.0), "grey": (0.5, 0.5, 0.5), "gray": (0.5, 0.5, 0.5), "white": (1.0, 1.0, 1.0)}

EPILOG = """exit codes: 0 ok, 1 bad arguments, 2 unreadable/damaged/empty input, 3 missing dependency,
4 verification failed, 5 output not writable, 8 encrypted input without (right) password, 15 other,
130 interrupted. With several inputs: the code of the first input that failed."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 by default; 2 means "bad input file" here
        self.print_usage(sys.stderr)
        self.exit(int(ExitCode.BAD_ARGS), f"woo-redact: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="woo-redact", description="Detect and truly redact personal data in Dutch "
                     "government documents (Wet open overheid).", epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"woo-redact {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    analyze = sub.add_parser("analyze", help="list the findings in PDF or .txt files", epilog=EPILOG,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    analyze.add_argument("files", nargs="+", metavar="FILE")
    analyze.add_argument("--json", action="store_true", help="one JSON object per input on its own line")
    analyze.add_argument("--term", action="append", default=[], metavar="TEXT", help="also find this text")
    analyze.add_argument("--terms-file", type=Path, help="a file with one term per line")
    analyze.add_argument("--password", help="password for encrypted PDFs")

    redact = sub.add_parser("redact", help="write verified release PDFs (and review PDFs); .txt inputs are released as text", epilog=EPILOG,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    redact.add_argument("files", nargs="+", metavar="FILE")
    out = redact.add_mutually_exclusive_group(required=True)
    out.add_argument("--out", type=Path, metavar="OUT.pdf", help="release PDF (one input only)")
    out.add_argument("--out-dir", type=Path, metavar="DIR", help="folder for release PDFs (same names)")
    review = redact.add_mutually_exclusive_group()
    review.add_argument("--review-out", type=Path, metavar="R.pdf", help="review PDF (one input only)")
    review.add_argument("--review-dir", type=Path, metavar="DIR", help="folder for review PDFs")
    redact.add_argument("--report", type=Path, metavar="REPORT.json", help="write a JSON report per file")
    redact.add_argument("--term", action="append", default=[], metavar="TEXT",
                        help="also redact every occurrence of this text (repeatable)")
    redact.add_argument("--terms-file", type=Path, metavar="F", help="a file with one term per line")
    redact.add_argument("--password", help="password for encrypted PDFs")
    redact.add_argument("--fill", choices=sorted(FILLS), default="black", help="colour of the boxes")
    redact.add_argument("--no-ground", action="store_true", help="do not print the ground code in the boxes")

    package = sub.add_parser(
        "package", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        help="release a whole package (ZIP or folder): duplicates, consistent names, inventory list, report",
        description="Release every document of a ZIP file or folder into OUT.zip: verified release PDFs, the "
                    "inventory list (CSV, XLSX) and a report (HTML). Duplicates are found and released once; "
                    "a name redacted in one document is redacted in all. Interrupted, the same command goes "
                    "on where it stopped (the work is kept in OUT.zip.work until OUT.zip is complete).")
    package.add_argument("source", type=Path, metavar="IN", help="a ZIP file or a folder")
    package.add_argument("--out", type=Path, required=True, metavar="OUT.zip")
    package.add_argument("--report", type=Path, metavar="R.json", help="also write a JSON report per file")
    package.add_argument("--workers", type=int, default=None, metavar="N",
                         help="worker processes (default: 2, or 1 on a single core)")
    package.add_argument("--case-number", default="", metavar="ZAAKNUMMER", help="the Zaaknummer column")
    package.add_argument("--work", type=Path, metavar="DIR", help="work folder (default: OUT.zip.work)")
    package.add_argument("--keep-work", action="store_true", help="keep the work folder when done")

    worker = sub.add_parser("worker", help="run a Celery worker for the review service's jobs (distributed mode)",
                            description="A worker of the distributed mode: takes the jobs of the review service "
                                        "from the broker in $WOO_REDACT_BROKER_URL and works in the database of "
                                        "$DATABASE_URL and the shared data folder $WOO_REDACT_DATA.")
    worker.add_argument("--concurrency", type=int, default=None, metavar="N",
                        help="worker processes (default: one per core)")
    worker.add_argument("--data", metavar="DIR", help="data folder (default: $WOO_REDACT_DATA or ./data)")
    worker.add_argument("--loglevel", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    worker.add_argument("--hostname", metavar="NAME", help="the worker's name (default: celery@<host>)")

    users = sub.add_parser("users", help="manage the review service's users")
    users_sub = users.add_subparsers(dest="users_command", required=True, parser_class=_Parser)
    add = users_sub.add_parser("add", help="create a user and print its API token (the last line)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=["officer", "reviewer", "admin"])
    add.add_argument("--password", action="store_true",
                     help="also set a password for the web interface: asked twice on a terminal, "
                          "else read from the first line of standard input")
    add.add_argument("--data", metavar="DIR", help="data folder (default: $WOO_REDACT_DATA or ./data)")

    serve = sub.add_parser("serve", help="run the review service (HTTP) with waitress")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--data", metavar="DIR", help="data folder (default: $WOO_REDACT_DATA or ./data)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "users":
            return _users(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "package":
            return _package(args)
        if args.command == "worker":
            return _worker(args)
        return _redact(args)
    except RedactionError as exc:
        print(f"woo-redact: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("woo-redact: interrupted; outputs that were finished are complete, no partial file is left.",
              file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:  # the reader went away (`woo-redact analyze ... | head`): not an error of ours
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return int(ExitCode.OK)


def _require_service() -> None:
    """The review service and its server must be importable; otherwise exit 3 with one sentence."""
    try:
        import service.app  # noqa: F401
        import waitress  # noqa: F401
    except ImportError as exc:
        raise MissingDependency(f"the review service is not installed ({exc.name} is missing); "
                                "run `make install`.") from exc


def _users(args) -> int:
    _require_service()
    from service import create_app
    from service.users import add_user

    password = None
    if args.password:
        password = _read_password()
        if password is None:
            return int(ExitCode.BAD_ARGS)
    # Only a running server resumes interrupted analyses; adding a user must not start one beside it.
    config = {"RECOVER_INTERRUPTED": False}
    if args.data:
        config["DATA_DIR"] = args.data
    app = create_app(config)
    try:
        user, token = add_user(app, args.name, args.role, password=password)
    except ValueError as exc:
        print(f"woo-redact: {exc}", file=sys.stderr)
        return int(ExitCode.BAD_ARGS)
    finally:
        app.extensions["woo_redact"]["engine"].dispose()
    print(f"created {user.role} {user.name!r}; the API token below is shown only once:")
    print(token)
    return int(ExitCode.OK)


MIN_PASSWORD = 8


def _read_password() -> str | None:
    """A new password: asked twice on a terminal, else the first line of standard input."""
    import getpass

    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("password again: ") != password:
            print("woo-redact: the two passwords differ; nothing was created.", file=sys.stderr)
            return None
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD:
        print(f"woo-redact: a password needs at least {MIN_PASSWORD} characters; nothing was created.",
              file=sys.stderr)
        return None
    return password


def _serve(args) -> int:
    _require_service()
    from waitress import serve

    from service import create_app

    app = create_app({"DATA_DIR": args.data} if args.data else None)
    print(f"woo-redact: serving the review service at http://{args.host}:{args.port} "
          f"(data in {app.config['DATA_DIR']})", flush=True)
    try:
        serve(app, host=args.host, port=args.port)
    finally:
        app.extensions["woo_redact"]["analyser"].shutdown(wait=False)
        app.extensions["woo_redact"]["engine"].dispose()
    return int(ExitCode.OK)


def _package(args) -> int:
    _require_service()
    from service import package_cli

    if args.workers is not None and args.workers < 1:
        raise BadArguments("--workers must be at least 1.")
    return package_cli.run(args.source, args.out, report=args.report,
                           workers=args.workers or package_cli.default_workers(), work=args.work,
                           case_number=args.case_number, keep_work=args.keep_work)


def _worker(args) -> int:
    _require_service()
    if not os.environ.get("WOO_REDACT_BROKER_URL"):
        raise BadArguments("set WOO_REDACT_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to the broker the "
                           "service uses.")
    if args.data:
        os.environ["WOO_REDACT_DATA"] = args.data
    from service.worker import celery

    argv = ["worker", f"--loglevel={args.loglevel}", "--without-gossip", "--without-mingle"]
    if args.concurrency:
        argv.append(f"--concurrency={args.concurrency}")
    if args.hostname:
        argv.append(f"--hostname={args.hostname}")
    argv.append(f"--queues={celery.conf.task_default_queue}")
    celery.worker_main(argv)
    return int(ExitCode.OK)


def _terms(args) -> list[str]:
    terms = list(args.term)
    if args.terms_file:
        try:
            terms += [t.strip() for t in args.terms_file.read_text(encoding="utf-8").splitlines() if t.strip()]
        except OSError as exc:
            raise BadArguments(f"cannot read the terms file {args.terms_file} ({exc.strerror}).") from exc
    return terms


def _analyze(args) -> int:
    from .analyzer import get_engine
    from .pipeline import analyze_file

    engine = get_engine()
    terms = _terms(args)
    first_error = 0
    for name in args.files:
        try:
            document, findings = analyze_file(name, engine, terms=terms, password=args.password)
        except RedactionError as exc:
            print(f"woo-redact: {exc}", file=sys.stderr)
            if args.json:
                print(json.dumps({"file": name, "error": str(exc), "exit_code": int(exc.exit_code)}))
            first_error = first_error or int(exc.exit_code)
            continue
        try:
            if args.json:
                print(json.dumps({"file": name, "findings": [_finding_json(f, document.is_pdf) for f in findings]},
                                 ensure_ascii=False))
            else:
                print(f"{name}: {len(findings)} findings")
                for f in findings:
                    where = f"p.{f.page + 1}" if f.page is not None else f"{f.start}-{f.end}"
                    print(f"  {where:>8}  {f.decision.value:<7} {f.ground or '-':<7} {f.entity:<14} "
                          f"{' '.join(f.text.split())!r}  ({f.reason})")
        finally:
            document.close()
    return first_error


def _finding_json(finding, is_pdf: bool) -> dict:
    return {
        "id": finding.id,
        "entity": finding.entity,
        "text": finding.text,
        "start": finding.start,
        "end": finding.end,
        "page": finding.page if is_pdf else None,
        "rects": [list(map(lambda v: round(v, 2), r)) for r in finding.rects] if is_pdf else None,
        "ground": finding.ground,
        "score": finding.score,
        "recognizer": finding.recognizer,
        "reason": finding.reason,
        "decision": finding.decision.value,
    }


def _redact(args) -> int:
    from .analyzer import get_engine
    from .pipeline import redact_file

    files = [Path(f) for f in args.files]
    if len(files) > 1 and (args.out or args.review_out):
        raise BadArguments("several inputs need --out-dir (and --review-dir), not --out.")
    terms = _terms(args)
    options = ReleaseOptions(fill=FILLS[args.fill], show_ground=not args.no_ground)
    engine = get_engine()
    results = []
    progress = _progress(len(files))
    try:
        for path in files:
            suffix = ".txt" if path.suffix.lower() == ".txt" else ".pdf"  # a text file is released as text
            out = args.out or (args.out_dir / (path.stem + suffix))
            review = args.review_out or (args.review_dir / (path.stem + ".pdf") if args.review_dir else None)
            result = redact_file(path, out, review, terms=terms, password=args.password, engine=engine,
                                 options=options)
            results.append(result)
            if result.error:  # one sentence; the warnings of a file not released stay in the report
                _print_above(progress, f"woo-redact: {result.error}")
            else:
                for warning in result.warnings:
                    _print_above(progress, f"woo-redact: {path}: {warning}.")
            if progress:
                progress.update(1)
    finally:
        if progress:
            progress.close()
        if args.report:
            _write_report(args.report, results)
    failed = [r for r in results if r.exit_code]
    if len(files) > 1 or failed:
        print(f"woo-redact: {len(results) - len(failed)} of {len(files)} released"
              + (f", {len(failed)} failed" if failed else "")
              + (f"; report in {args.report}" if args.report else ""), file=sys.stderr)
    return failed[0].exit_code if failed else 0


def _write_report(path: Path, results) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"files": [r.to_json() for r in results]}, indent=2, ensure_ascii=False),
                        encoding="utf-8")
    except OSError as exc:
        print(f"woo-redact: cannot write the report {path} ({exc.strerror}).", file=sys.stderr)


def _progress(total: int):
    if total < 2 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=sys.stderr)


def _print_above(progress, message: str) -> None:
    if progress is not None:
        progress.write(message, file=sys.stderr)
    else:
        print(message, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
