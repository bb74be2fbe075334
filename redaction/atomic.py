"""Files that appear complete or not at all: written next to their target, then moved onto it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def write_atomic(target: Path, write) -> None:
    """Call ``write(tmp)`` with a temporary path in the target's folder, flush it to disk and move it onto
    ``target``; on any failure the temporary file is removed. An ``OSError`` becomes an ``OutputError``
    that says what to do."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".partial-", suffix=target.suffix or ".pdf", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot write to {target.parent} ({exc.strerror}); choose another output folder.") from exc
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:  # on disk before it takes the target's name
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror}); choose another output folder.") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
