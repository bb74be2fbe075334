"""Settings from the environment: the data folder, the database, limits, sessions and four-eyes review."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULT_MAX_UPLOAD_MB = 50
DEFAULT_MAX_PAGES = 2000
DEFAULT_MAX_PACKAGE_MB = 2048


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data folder: ``explicit``, else ``WOO_REDACT_DATA``, else ``./data``."""
    return Path(explicit or os.environ.get("WOO_REDACT_DATA") or "data").resolve()


def database_url(data: Path, explicit: str | None = None) -> str:
    """``explicit``, else ``DATABASE_URL``, else the SQLite file in the data folder.

    A plain ``postgresql://`` URL is read with psycopg 3, the driver this project installs.
    """
    url = explicit or os.environ.get("DATABASE_URL") or f"sqlite:///{data / 'woo-redact.db'}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(data: Path) -> str:
    """``WOO_REDACT_SECRET_KEY``, else a random key kept in the data folder (readable by its owner only)."""
    configured = os.environ.get("WOO_REDACT_SECRET_KEY")
    if configured:
        return configured
    path = data / "secret_key"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def settings(config: dict | None = None) -> dict:
    """The application's settings; keys of ``config`` win over the environment."""
    config = dict(config or {})
    data = data_dir(config.get("DATA_DIR"))
    max_mb = float(os.environ.get("WOO_REDACT_MAX_UPLOAD_MB") or DEFAULT_MAX_UPLOAD_MB)
    result = {
        "DATA_DIR": data,
        "DATABASE_URL": database_url(data, config.get("DATABASE_URL")),
        "MAX_CONTENT_LENGTH": int(max_mb * 1024 * 1024),
        "MAX_PAGES": int(os.environ.get("WOO_REDACT_MAX_PAGES") or DEFAULT_MAX_PAGES),
        "ANALYSIS_WORKERS": int(os.environ.get("WOO_REDACT_ANALYSIS_WORKERS") or 2),
        # Release packages: worker processes of the in-process job runner, the largest package accepted,
        # and, when set, the Celery broker that hands the jobs to `woo-redact worker` processes instead.
        "JOB_WORKERS": int(os.environ.get("WOO_REDACT_JOB_WORKERS") or 1),
        "MAX_PACKAGE_BYTES": int(float(os.environ.get("WOO_REDACT_MAX_PACKAGE_MB") or DEFAULT_MAX_PACKAGE_MB)
                                 * 1024 * 1024),
        "BROKER_URL": os.environ.get("WOO_REDACT_BROKER_URL") or None,
        "JOB_QUEUE": os.environ.get("WOO_REDACT_QUEUE") or "woo-redact",
        # Four-eyes: a release needs the approval of a reviewer who made none of the document's decisions.
        "FOUR_EYES": _flag("WOO_REDACT_FOUR_EYES"),
        # Session cookies: never readable by scripts, not sent along from other sites, and over HTTPS only
        # when WOO_REDACT_SECURE_COOKIES is set (it must be, behind TLS; the local default is plain HTTP).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("WOO_REDACT_SECURE_COOKIES"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _flag("WOO_REDACT_SECURE_COOKIES"),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("WOO_REDACT_SESSION_HOURS") or 10)),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    }
    result.update({k: v for k, v in config.items() if k not in ("DATA_DIR", "DATABASE_URL")})
    result["DATA_DIR"] = Path(result["DATA_DIR"])
    if not result.get("SECRET_KEY"):
        result["SECRET_KEY"] = secret_key(result["DATA_DIR"])
    return result
