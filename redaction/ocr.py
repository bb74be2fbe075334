"""Text recognition (OCR) for scanned pages with Tesseract: words with boxes in the page's own coordinates.

A page is rendered at ``DPI`` in grey (as an uncompressed PNM image) and given to Debian's ``tesseract`` program (with the Dutch model of
``tesseract-ocr-nld``), one thread per process (``OMP_THREAD_LIMIT=1``: parallelism is by processes). Its
TSV output gives each word's box and confidence; ``rawdict`` turns the words into the same blocks, lines,
spans and characters that MuPDF's own text extraction gives, so detection, boxes and redaction work on a
scan exactly as on a text page. Nothing of the recognised text is ever written into a PDF.

Results are kept in memory for the process (a document opened again for its release is not read again)
and, when ``set_cache_dir`` names a folder, on disk there; the default keeps no copy on disk, because the
text holds personal data.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import shutil
import subprocess
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from .errors import MissingDependency, RedactionError

DPI = 300
LANGUAGE = "nld"
LOW_CONFIDENCE = 70.0  # mean word confidence (0-100) below which a page is flagged for the reviewer
TIMEOUT = 180  # seconds for one page
PACKAGES = "tesseract-ocr and tesseract-ocr-nld"

_memory: OrderedDict[str, str] = OrderedDict()
_MEMORY_PAGES = 64
_cache_dir: Path | None = None


class OcrFailed(RedactionError):
    """Tesseract ran but did not read the page (it crashed, timed out or wrote nothing)."""


@dataclass
class OcrWord:
    text: str
    bbox: tuple[float, float, float, float]  # page coordinates (points)
    confidence: float
    line: tuple[int, int, int]  # Tesseract's (block, paragraph, line)


@dataclass
class OcrPage:
    words: list[OcrWord] = field(default_factory=list)

    @property
    def confidence(self) -> float | None:
        """Mean word confidence (0-100), each word weighted by its length; None when nothing was read."""
        total = sum(len(w.text) for w in self.words)
        if not total:
            return None
        return round(sum(w.confidence * len(w.text) for w in self.words) / total, 1)


def set_cache_dir(folder: str | os.PathLike | None) -> None:
    """Keep OCR results on disk in ``folder`` too (the service's data folder, which holds the originals)."""
    global _cache_dir
    _cache_dir = Path(folder) if folder else None


@functools.lru_cache(maxsize=1)
def tesseract() -> tuple[str, str]:
    """The tesseract program and its version; ``MissingDependency`` (exit 3) naming the packages if absent."""
    program = shutil.which("tesseract")
    if program is None:
        raise MissingDependency(f"scanned pages need Tesseract, which is not installed; install Debian's {PACKAGES} "
                                "(apt-get install tesseract-ocr tesseract-ocr-nld).")
    try:
        languages = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30)
        version = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingDependency(f"Tesseract cannot be started ({exc}); reinstall Debian's {PACKAGES}.") from exc
    if LANGUAGE not in languages.stdout.split():
        raise MissingDependency(f"Tesseract has no Dutch model; install Debian's tesseract-ocr-{LANGUAGE}.")
    first = (version.stdout or version.stderr).splitlines()
    return program, first[0] if first else "tesseract"


def read_page(page: pymupdf.Page, dpi: int = DPI) -> OcrPage:
    """Recognise the words of ``page`` as it looks (text layer and images alike)."""
    pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    image = pixmap.tobytes("pnm")  # uncompressed: encoding a PNG took a third of the time of reading a page
    tsv = _tsv(image, dpi)
    scale_x = page.rect.width / pixmap.width
    scale_y = page.rect.height / pixmap.height
    return OcrPage(_words(tsv, scale_x, scale_y, page.rect.x0, page.rect.y0))


def _tsv(image: bytes, dpi: int) -> str:
    program, version = tesseract()
    key = hashlib.sha256(b"|".join([image, str(dpi).encode(), LANGUAGE.encode(), version.encode()])).hexdigest()
    if key in _memory:
        _memory.move_to_end(key)
        return _memory[key]
    cached = _cache_dir / "ocr" / f"{key}.tsv" if _cache_dir else None
    if cached is not None and cached.is_file():
        tsv = cached.read_text(encoding="utf-8")
    else:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            done = subprocess.run([program, "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(dpi), "--psm", "3",
                                   "tsv"], input=image, capture_output=True, timeout=TIMEOUT, env=env)
        except subprocess.TimeoutExpired as exc:
            raise OcrFailed(f"text recognition of a page took longer than {TIMEOUT} s; check the scan.") from exc
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no reason given"]
            raise OcrFailed(f"Tesseract could not read a page ({reason[0][:160]}).")
        tsv = done.stdout.decode("utf-8", "replace")
        if cached is not None:
            from .atomic import write_atomic

            write_atomic(cached, lambda tmp: tmp.write_text(tsv, encoding="utf-8"))
    _memory[key] = tsv
    while len(_memory) > _MEMORY_PAGES:
        _memory.popitem(last=False)
    return tsv


# Tesseract's boxes hug the ink; a font's character boxes (which the release trims, so as not to touch the
# next line) reach higher and lower. Word boxes get their line's height and this much more above and below
# (shares of the line's height) and ``SIDE`` points at both ends, so that they are redacted like text.
ABOVE, BELOW, SIDE = 0.22, 0.12, 1.5


def _words(tsv: str, scale_x: float, scale_y: float, x0: float, y0: float) -> list[OcrWord]:
    lines: dict[tuple[int, int, int], tuple[float, float]] = {}
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            level = row.get("level")
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            left, top = float(row["left"]), float(row["top"])
            width, height = float(row["width"]), float(row["height"])
            confidence = float(row["conf"])
        except (KeyError, TypeError, ValueError):
            continue
        if level == "4":
            lines[key] = (top, top + height)
            continue
        text = _cleaned((row.get("text") or "").strip())
        if level != "5" or not text:
            continue
        line_top, line_bottom = lines.get(key, (top, top + height))
        span = line_bottom - line_top
        bbox = (x0 + left * scale_x - SIDE, y0 + (line_top - ABOVE * span) * scale_y,
                x0 + (left + width) * scale_x + SIDE, y0 + (line_bottom + BELOW * span) * scale_y)
        words.append(OcrWord(text, bbox, max(confidence, 0.0), key))
    return words


def _cleaned(word: str) -> str:
    """Undo Tesseract's best-known confusion in names: a capital I read as a vertical bar ("|. Tanamal")."""
    if word[:1] == "|" and (word[1:] in ("", ".") or word[1:2].islower()):
        return "I" + word[1:]
    return word


def rawdict(words: list[OcrWord]) -> dict:
    """The words as MuPDF's ``rawdict``: a block per Tesseract block, a line per line, one span per line
    whose characters share their word's box in equal slices (and a space between words)."""
    blocks: dict[int, dict[tuple[int, int, int], list[OcrWord]]] = {}
    for word in words:
        blocks.setdefault(word.line[0], {}).setdefault(word.line, []).append(word)
    result = []
    for lines in blocks.values():
        block_lines = []
        for line_words in lines.values():
            chars = []
            for n, word in enumerate(line_words):
                if n:
                    previous = line_words[n - 1].bbox
                    gap = (previous[2], min(previous[1], word.bbox[1]), max(previous[2], word.bbox[0]),
                           max(previous[3], word.bbox[3]))
                    chars.append({"c": " ", "bbox": gap})
                x0, y0, x1, y1 = word.bbox
                step = (x1 - x0) / len(word.text)
                chars += [{"c": c, "bbox": (x0 + i * step, y0, x0 + (i + 1) * step, y1)}
                          for i, c in enumerate(word.text)]
            block_lines.append({"spans": [{"chars": chars}]})
        result.append({"lines": block_lines})
    return {"blocks": result}
