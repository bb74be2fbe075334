"""Shared fixtures for the recognizer tests: the external test vectors and a helper to run one recognizer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EXTERNAL = Path(__file__).resolve().parents[2].parent / "shared" / "external"


def load_external(relative: str):
    """Parsed JSON from ``../shared/external/<relative>``; skips the test when it is absent."""
    path = EXTERNAL / relative
    if not path.is_file():
        pytest.skip(f"external test vectors not found at {path} (the shared/external folder is not next to the repo)")
    return json.loads(path.read_text(encoding="utf-8"))


def find(recognizer, text: str, *, keep: bool | None = None) -> list[str]:
    """Texts (line breaks removed) of the results; ``keep`` filters on ``keep_reason``."""
    entity = recognizer.supported_entities[0]
    out = []
    for r in recognizer.analyze(text, [entity]):
        has_keep = "keep_reason" in r.recognition_metadata
        if keep is None or keep == has_keep:
            out.append(text[r.start : r.end].replace("\n", ""))
    return out
