"""Page images for the review page, rendered by MuPDF once and kept beside the stored file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .storage import file_path

ZOOM = 1.5  # 108 dpi: sharp enough to read on screen, about 100-200 kB a page


def cache_dir(data_dir: Path, sha256: str) -> Path:
    return Path(data_dir) / "cache" / "pages" / sha256[:2] / sha256


def page_geometry(data_dir: Path, sha256: str) -> list[dict]:
    """Per page: ``width`` and ``height`` in PDF points as shown (rotation applied), the matrices that turn
    the engine's boxes (unrotated page coordinates) into shown ones (``matrix``) and back (``inverse``),
    and ``has_text``: false for a page without a text layer (a scan), which detection cannot read."""
    cached = cache_dir(data_dir, sha256) / "geometry.json"
    if cached.exists():
        return json.loads(cached.read_text())
    import pymupdf

    with pymupdf.open(str(file_path(data_dir, sha256))) as pdf:
        geometry = [{"width": round(page.rect.width, 2), "height": round(page.rect.height, 2),
                     "matrix": list(page.rotation_matrix), "inverse": list(page.derotation_matrix),
                     "has_text": bool(page.get_text("text").strip())}
                    for page in pdf]
    _write(cached, json.dumps(geometry).encode())
    return geometry


def page_png(data_dir: Path, sha256: str, page: int) -> Path:
    """The PNG of ``page`` (0-based); raises IndexError for a page that does not exist."""
    target = cache_dir(data_dir, sha256) / f"{page}.png"
    if target.exists():
        return target
    import pymupdf

    with pymupdf.open(str(file_path(data_dir, sha256))) as pdf:
        if not 0 <= page < pdf.page_count:
            raise IndexError(page)
        pixmap = pdf[page].get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), annots=False)
        _write(target, pixmap.tobytes("png"))
    return target


def transform(rect, matrix) -> list[float]:
    """``rect`` through one of the matrices of ``page_geometry``."""
    import pymupdf

    moved = pymupdf.Rect(rect) * pymupdf.Matrix(*matrix)
    return [round(moved.x0, 2), round(moved.y0, 2), round(moved.x1, 2), round(moved.y1, 2)]


def _write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
