"""Rendering: the review PDF (highlights), the release PDF (true redaction, cleaned) and its verifier."""

from .release import ReleaseOptions, render_release
from .review import render_review
from .verify import verify_release

__all__ = ["ReleaseOptions", "render_release", "render_review", "verify_release"]
