"""Settings from the environment: the data folder, the database, upload limits."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MAX_UPLOAD_MB = 50


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


def settings(config: dict | None = None) -> dict:
    """The application's settings; keys of ``config`` win over the environment."""
    config = dict(config or {})
    data = data_dir(config.get("DATA_DIR"))
    max_mb = float(os.environ.get("WOO_REDACT_MAX_UPLOAD_MB") or DEFAULT_MAX_UPLOAD_MB)
    result = {
        "DATA_DIR": data,
        "DATABASE_URL": database_url(data, config.get("DATABASE_URL")),
        "MAX_CONTENT_LENGTH": int(max_mb * 1024 * 1024),
        "ANALYSIS_WORKERS": int(os.environ.get("WOO_REDACT_ANALYSIS_WORKERS") or 2),
    }
    result.update({k: v for k, v in config.items() if k not in ("DATA_DIR", "DATABASE_URL")})
    result["DATA_DIR"] = Path(result["DATA_DIR"])
    return result
