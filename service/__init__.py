"""The review service: a Flask application over the redaction engine.

``create_app`` builds the application; every setting comes from the environment unless ``config`` overrides it.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
