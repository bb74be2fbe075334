"""The application factory."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from . import db
from .analysis import Analyser
from .config import settings

_MESSAGES = {
    400: "The request is not valid.",
    401: "A valid API token is needed (Authorization: Bearer ...).",
    403: "Your role does not allow this.",
    404: "There is no such resource.",
    405: "This method is not allowed here.",
    413: "The upload is larger than the size limit.",
    415: "This file type is not supported.",
}


def create_app(config: dict | None = None) -> Flask:
    """Build the service: settings, database (migrated to the newest revision), API, background analysis."""
    app = Flask(__name__)
    app.config.update(settings(config))
    data = app.config["DATA_DIR"]
    (data / "files").mkdir(parents=True, exist_ok=True)

    engine = db.make_engine(app.config["DATABASE_URL"])
    db.upgrade(engine)
    app.extensions["woo_redact"] = {
        "engine": engine,
        "sessions": db.make_sessionmaker(engine),
        "analyser": Analyser(app),
    }

    from .api import api

    app.register_blueprint(api)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc
        code = exc.code or 500
        message = exc.description if getattr(exc, "woo_message", False) else _MESSAGES.get(code, exc.name + ".")
        return jsonify(error=message), code

    if app.config.get("RECOVER_INTERRUPTED", True):
        app.extensions["woo_redact"]["analyser"].recover()
    return app
