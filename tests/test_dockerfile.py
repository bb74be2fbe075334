"""The Dockerfile builds the service with the same install step that CI proves (no Docker engine runs here)."""

from __future__ import annotations

import json
import re
import shlex

from pdfkit import REPO

from redaction.cli import build_parser


def instructions() -> list[tuple[str, str]]:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def test_dockerfile_installs_like_the_makefile_and_ci():
    runs = " ".join(rest for keyword, rest in instructions() if keyword == "RUN")
    assert "make install" in runs
    assert "make" in (REPO / ".ci" / "run").read_text() and "install:" in (REPO / "Makefile").read_text()


def test_dockerfile_runs_as_non_root_with_data_in_a_volume():
    steps = instructions()
    users = [rest for keyword, rest in steps if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    cmd_index = max(i for i, (k, _) in enumerate(steps) if k == "CMD")
    user_index = max(i for i, (k, _) in enumerate(steps) if k == "USER")
    assert user_index < cmd_index
    volumes = [rest for keyword, rest in steps if keyword == "VOLUME"]
    env = " ".join(rest for keyword, rest in steps if keyword == "ENV")
    data = re.search(r"WOO_REDACT_DATA=(\S+)", env).group(1)
    assert any(data in json.loads(v) for v in volumes)


def test_dockerfile_starts_the_production_server_with_arguments_the_cli_accepts():
    [cmd] = [rest for keyword, rest in instructions() if keyword == "CMD"]
    argv = json.loads(cmd)
    assert argv[0].endswith("woo-redact") and argv[1] == "serve"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "serve" and args.host == "0.0.0.0" and args.port == 8000
    assert ".venv/bin/woo-redact" in shlex.join(argv)


def test_the_compose_file_starts_the_distributed_mode():
    import yaml

    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"service", "worker", "redis", "postgres"} <= set(services)
    for name in ("service", "worker"):
        environment = services[name]["environment"]
        assert environment["WOO_REDACT_BROKER_URL"].startswith("redis://redis:6379")
        assert environment["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in environment["DATABASE_URL"]
        assert "woo-data:/data" in services[name]["volumes"], "service and workers share the data folder"
        assert services[name]["build"] == "."
    assert services["worker"]["command"][:2] == [".venv/bin/woo-redact", "worker"]
    assert services["service"]["command"][:2] == [".venv/bin/woo-redact", "serve"]
    assert set(services["service"]["depends_on"]) == {"postgres", "redis"}
    # the worker subcommand and its settings exist as the compose file uses them
    from redaction.cli import build_parser

    args = build_parser().parse_args(services["worker"]["command"][1:])
    assert args.command == "worker" and args.concurrency == 2


def test_the_image_has_the_programs_ci_installs_for_scans_and_office_files():
    import re as regex

    ci = (REPO / ".ci" / "run").read_text()
    wanted = regex.search(r'OCR_AND_OFFICE="([^"]+)"', ci).group(1).split()
    runs = " ".join(rest for keyword, rest in instructions() if keyword == "RUN")
    assert {"tesseract-ocr", "tesseract-ocr-nld", "libreoffice-writer-nogui"} <= set(wanted)
    for package in wanted:
        assert package in runs, package
