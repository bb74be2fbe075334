"""Original files, stored once by the SHA-256 of their content under ``<data>/files/``."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

PDF_MAGIC = b"%PDF-"


def looks_like_pdf(head: bytes) -> bool:
    """PDF readers accept the header anywhere in the first 1024 bytes; so do we."""
    return PDF_MAGIC in head[:1024]


def file_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / "files" / sha256[:2] / f"{sha256}.pdf"


def store(data_dir: Path, content: bytes) -> str:
    """Write ``content`` (atomically, once) and return its SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    target = file_path(data_dir, digest)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest
