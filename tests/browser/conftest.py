"""Fixtures for the real-browser tests: the service on a free port, and Debian's chromium driven by Playwright.

Playwright only drives a browser here; it never downloads one (no ``playwright install``). The browser is
Debian's ``chromium`` package: ``$CHROMIUM``, else ``chromium`` on the PATH, else ``/usr/bin/chromium``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pdfkit import REPO

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
ADMIN_NAME = "beheerder"
ADMIN_PASSWORD = "Browser-test-wachtwoord-1"


@dataclass
class LiveServer:
    """The running service: where it answers, the app behind it, and the admin's password and API token."""

    base_url: str
    app: object
    username: str
    password: str
    token: str
    data_dir: Path
    server: object = field(repr=False, default=None)

    def url(self, path: str) -> str:
        return self.base_url + path

    def api(self, path: str, token: str | None = "") -> tuple[int, object]:
        """GET ``/api/v1<path>`` with the admin's token (or ``token``; None sends none): (status, JSON body)."""
        request = urllib.request.Request(self.url("/api/v1" + path))
        token = self.token if token == "" else token
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            body = exc.read()
            try:
                return exc.code, json.loads(body or b"null")
            except ValueError:
                return exc.code, body.decode("utf-8", "replace")


def _stop(server, thread: threading.Thread) -> None:
    """Stop waitress from inside its own loop (no socket is closed under a running poll), then its workers."""
    from waitress import wasyncore

    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(timeout=10)
    server.task_dispatcher.shutdown(timeout=10)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The service with a fresh SQLite database, served by waitress on a free port of 127.0.0.1."""
    import waitress

    from service import create_app
    from service.users import add_user

    data = tmp_path_factory.mktemp("browser-data")
    app = create_app({
        "DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data}/woo-redact.db",
        "WTF_CSRF_ENABLED": True,
    })
    _user, token = add_user(app, ADMIN_NAME, "admin", password=ADMIN_PASSWORD)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, name="waitress-browser-test", daemon=True)
    thread.start()
    try:
        yield LiveServer(base_url=f"http://127.0.0.1:{server.effective_port}", app=app, username=ADMIN_NAME,
                         password=ADMIN_PASSWORD, token=token, data_dir=data, server=server)
    finally:
        _stop(server, thread)
        app.extensions["woo_redact"]["analyser"].shutdown(wait=True)
        app.extensions["woo_redact"]["engine"].dispose()


def chromium_path() -> str:
    """Debian's chromium: ``$CHROMIUM``, else ``chromium`` on the PATH, else ``/usr/bin/chromium``."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"The browser tests need Debian's chromium, which was not found at {path}: install it with "
                    "`apt-get install chromium` (or set CHROMIUM to its path).", pytrace=False)
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and downloaded PDFs are kept: ``$WOO_REDACT_ARTIFACTS`` or ``test-artifacts/browser``."""
    folder = Path(os.environ.get("WOO_REDACT_ARTIFACTS") or REPO / "test-artifacts" / "browser")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the item, so ``browser_page`` knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture()
def browser_page(request, artifacts):
    """A fresh page of headless chromium (downloads allowed, 1400x1000); on failure a screenshot,
    the browser's console messages and a Playwright trace are kept in the artifacts folder."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    console: list[str] = []
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            pytest.fail(f"Debian's chromium at {executable} did not start under Playwright: "
                        f"{str(exc).strip().splitlines()[0]}", pytrace=False)
        context = browser.new_context(accept_downloads=True, viewport=VIEWPORT, locale="nl-NL")
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)
        context.tracing.start(screenshots=True, snapshots=True)
        page = context.new_page()
        page.on("console", lambda m: console.append(f"console.{m.type}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        try:
            yield page
        finally:
            failed = getattr(request.node, "rep_call", None) is None or request.node.rep_call.failed
            try:
                if failed:
                    try:
                        page.screenshot(path=str(artifacts / f"{name}-failure.png"), full_page=True)
                    except PlaywrightError:
                        pass
                    (artifacts / f"{name}-console.txt").write_text("\n".join(console) + "\n", encoding="utf-8")
                    context.tracing.stop(path=str(artifacts / f"{name}-trace.zip"))
                else:
                    context.tracing.stop()
            finally:
                context.close()
                browser.close()
