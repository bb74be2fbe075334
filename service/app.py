"""The application factory."""

from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from . import auth, db
from .analysis import Analyser
from .config import settings
from .review import ReviewError

_MESSAGES = {
    400: "The request is not valid.",
    401: "A valid API token is needed (Authorization: Bearer ...).",
    403: "Your role does not allow this.",
    404: "There is no such resource.",
    405: "This method is not allowed here.",
    409: "This cannot be done in the current state.",
    413: "The upload is larger than the size limit.",
    415: "This file type is not supported.",
}

# The same on the (Dutch) web pages.
_PAGE_MESSAGES = {
    400: "Het verzoek is niet geldig; ververs de pagina en probeer het opnieuw.",
    403: "Uw rol staat dit niet toe.",
    404: "Deze pagina bestaat niet.",
    405: "Dit kan op deze pagina niet.",
    409: "Dit kan in de huidige toestand niet.",
    413: "Het bestand is groter dan de limiet.",
    415: "Dit bestandstype wordt niet ondersteund.",
    500: "Er ging iets mis in de dienst; probeer het later opnieuw.",
}

# What a browser may do with our pages: only our own scripts, styles and images, no framing, no sniffing.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; style-src-attr 'unsafe-inline'; "
                               "script-src 'self'; "
                               "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(config: dict | None = None) -> Flask:
    """Build the service: settings, database (migrated to the newest revision), API, pages, background analysis."""
    app = Flask(__name__)
    app.config.update(settings(config))
    data = app.config["DATA_DIR"]
    (data / "files").mkdir(parents=True, exist_ok=True)

    from redaction import ocr

    # Scans are read again for manual redactions and consistency; their text stays beside the originals.
    ocr.set_cache_dir(data / "cache")
    engine = db.make_engine(app.config["DATABASE_URL"])
    db.upgrade(engine)
    app.extensions["woo_redact"] = {
        "engine": engine,
        "sessions": db.make_sessionmaker(engine),
        "write_sessions": db.make_sessionmaker(engine, writes=True),
        "analyser": Analyser(app),
        "jobs": _job_runner(app),
    }
    auth.init_app(app)

    from .api import api
    from .web import web

    auth.csrf.exempt(api)  # token requests need no CSRF token; session requests are checked in auth.require
    app.register_blueprint(api)
    app.register_blueprint(web)

    def is_api() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(ReviewError)
    @app.errorhandler(auth.AuthError)
    def _refused(exc):
        if is_api():
            return jsonify(error=exc.message), exc.code
        if exc.code == 401:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return render_template("error.html", code=exc.code, message=exc.for_page), exc.code

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        if is_api():
            return jsonify(error=_MESSAGES.get(code, exc.name + ".")), code
        return render_template("error.html", code=code, message=_PAGE_MESSAGES.get(code, exc.description)), code

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint and request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    if app.config.get("RECOVER_INTERRUPTED", True):
        app.extensions["woo_redact"]["analyser"].recover()
        app.extensions["woo_redact"]["jobs"].recover()
    return app


def place(app: Flask):
    """Where the app's jobs find their data (plain strings, for worker processes)."""
    from .jobs import Place

    return Place(data_dir=str(app.config["DATA_DIR"]), database_url=app.config["DATABASE_URL"],
                 max_pages=app.config["MAX_PAGES"])


def _job_runner(app: Flask):
    """Celery workers when a broker is configured, else a runner in this process."""
    if app.config.get("BROKER_URL"):
        from .worker import CeleryRunner, configure

        configure(app.config["BROKER_URL"], app.config.get("JOB_QUEUE"))
        return CeleryRunner(place(app))
    from .jobs import BackgroundRunner

    return BackgroundRunner(place(app), app.config["JOB_WORKERS"])
