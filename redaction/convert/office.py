"""Office documents (Word, Excel, PowerPoint and their OpenDocument and RTF cousins) to PDF with LibreOffice.

Each conversion runs Debian's ``soffice --headless --convert-to pdf`` on a copy of the document in a fresh
temporary folder, which also holds LibreOffice's user profile and is its ``HOME``: conversions do not share
a profile (so several can run at once) and nothing of the document stays on disk afterwards, whatever
happens. LibreOffice runs in its own process group, which is killed as a whole when it takes too long.

Documents can point outside themselves (linked images, external data, macros). The profile turns off
macros, link updates and untrusted links, and where the kernel allows it LibreOffice runs in a network
namespace of its own (``unshare --net``), so a document cannot make it fetch anything. Spreadsheets come
out as LibreOffice prints them.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from ..errors import InputError, MissingDependency, OutputError

OFFICE_TYPES: dict[str, str] = {
    ".docx": "Word",
    ".doc": "Word",
    ".odt": "OpenDocument text",
    ".rtf": "RTF",
    ".xlsx": "Excel",
    ".xls": "Excel",
    ".ods": "OpenDocument spreadsheet",
    ".pptx": "PowerPoint",
    ".ppt": "PowerPoint",
    ".odp": "OpenDocument presentation",
}
PACKAGES = ("libreoffice-writer-nogui (Word, ODT, RTF), libreoffice-calc-nogui (Excel, ODS) and "
            "libreoffice-impress-nogui (PowerPoint, ODP)")
TIMEOUT = 120.0  # seconds for one document
TEMP_PREFIX = "woo-redact-office-"

# What an Office file starts with: a ZIP archive (OOXML, ODF), an OLE compound file (Office 97-2003, and
# password-protected OOXML) or RTF. Word happily saves RTF as .doc, so the suffix does not pick the magic.
_MAGIC = (b"PK\x03\x04", bytes.fromhex("d0cf11e0a1b11ae1"), b"{\\rtf")

# The LibreOffice module that opens each suffix: Debian's packages each add one file to share/registry.
_MODULES = {".docx": "writer", ".doc": "writer", ".odt": "writer", ".rtf": "writer",
            ".xlsx": "calc", ".xls": "calc", ".ods": "calc",
            ".pptx": "impress", ".ppt": "impress", ".odp": "impress"}

# Written into each fresh profile. Link update modes differ per module: Writer 0 = never, Calc 1 = never.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" \
oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>1</value></prop></item>
</oor:items>
"""

# The environment variables LibreOffice gets from ours (locale and time zone shape dates and numbers);
# proxies, display and session variables stay behind.
_PASSED_ON = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "TZ")


class ConversionFailed(InputError):
    """LibreOffice could not turn the document into a PDF (damaged, password-protected, too slow)."""


def office_kind(name: str, head: bytes) -> str | None:
    """The human name ("Word", "Excel", ...) when ``name`` has an Office suffix and ``head`` (the file's
    first bytes) starts like an Office file (ZIP, OLE compound file or RTF); None otherwise."""
    kind = OFFICE_TYPES.get(Path(name).suffix.lower())
    if kind is None or not head.startswith(_MAGIC):
        return None
    return kind


def office_to_pdf(content: bytes, name: str, timeout: float = TIMEOUT) -> bytes:
    """The PDF that LibreOffice makes of the Office document ``content`` (named ``name``, whose suffix must
    be one of ``OFFICE_TYPES``).

    Raises ``MissingDependency`` (exit 3) naming the Debian packages when LibreOffice or the module for
    this kind of file is not installed, and ``ConversionFailed`` (exit 2) when the document is
    password-protected or LibreOffice cannot open it, fails, writes no PDF or takes longer than
    ``timeout`` seconds.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in OFFICE_TYPES:
        raise ValueError(f"{name} has no Office suffix ({', '.join(OFFICE_TYPES)})")
    kind = OFFICE_TYPES[suffix]
    program = _soffice(suffix)
    if _password_protected(content):
        raise ConversionFailed(f"{name}: the {kind} file cannot be converted to PDF (it is password-protected); "
                               "open it in an office program with its password and save it as PDF.")
    try:
        folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    except OSError as exc:
        raise OutputError(f"cannot create a temporary folder for {name} ({exc.strerror}); "
                          "free space in the temporary folder or point TMPDIR elsewhere.") from exc
    try:
        return _convert(program, folder, content, suffix, timeout)
    except _NoPdf as failure:
        raise ConversionFailed(f"{name}: the {kind} file cannot be converted to PDF ({failure}); "
                               "open it in an office program and save it as PDF.") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():  # a file appeared while the tree was removed: try once more
            time.sleep(0.2)
            shutil.rmtree(folder, ignore_errors=True)


class _NoPdf(Exception):
    """Why LibreOffice made no PDF, as words for the user's sentence."""


def _convert(program: str, folder: Path, content: bytes, suffix: str, timeout: float) -> bytes:
    """Run LibreOffice on ``content`` in ``folder`` and return the PDF's bytes; ``_NoPdf`` when there is none."""
    source = folder / f"input{suffix}"
    outdir = folder / "pdf"
    profile = folder / "profile"
    try:
        source.write_bytes(content)
        outdir.mkdir()
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write a temporary copy of the document ({exc.strerror}); "
                          "free space in the temporary folder or point TMPDIR elsewhere.") from exc
    command = [*_network_isolation(), program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir), str(source)]
    env = {key: os.environ[key] for key in _PASSED_ON if key in os.environ}
    env.update(HOME=str(folder), TMPDIR=str(folder))
    env.setdefault("LANG", "C.UTF-8")
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, cwd=folder, env=env, start_new_session=True)
    except OSError as exc:
        raise MissingDependency(f"LibreOffice cannot be started ({exc.strerror}); reinstall Debian's "
                                f"{PACKAGES}.") from exc
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise _NoPdf(f"LibreOffice did not finish within {timeout:g} s") from None
    finally:
        _end_group(process)
    if process.returncode != 0:
        raise _NoPdf(f"LibreOffice stopped with exit code {process.returncode}")
    pdf = outdir / "input.pdf"  # LibreOffice names its output after the input's stem
    # LibreOffice exits with 0 when it cannot load the document; it only says so on its output.
    if b"could not be loaded" in output or not pdf.is_file():
        raise _NoPdf("LibreOffice cannot open it: it may be damaged or password-protected")
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF"):
        raise _NoPdf("LibreOffice wrote no PDF")
    return data


def _end_group(process: subprocess.Popen) -> None:
    """Kill whatever is left of LibreOffice's process group (all of it after a timeout; stray helpers
    otherwise) and wait until none of it runs, so that its temporary folder can be removed."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.communicate(timeout=5)  # reaps it and closes its output pipe
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + 5
    while _group_running(process.pid) and time.monotonic() < deadline:
        time.sleep(0.02)


def _group_running(group: int) -> bool:
    """Whether a process of ``group`` still runs. Zombies do not count: LibreOffice's helpers (gpgconf)
    are orphaned to PID 1, which may take its time to reap them."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    processes = Path("/proc")
    if not processes.is_dir():
        return True
    for stat in processes.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, _parent, process_group = text[text.rfind(")") + 2:].split()[:3]
        if process_group == str(group) and state not in "ZX":
            return True
    return False


def _soffice(suffix: str) -> str:
    """The soffice program; ``MissingDependency`` when it, or the module for ``suffix``, is not installed."""
    program = shutil.which("soffice")
    if program is None:
        raise MissingDependency(f"Office files need LibreOffice, which is not installed; install Debian's "
                                f"{PACKAGES}.")
    module = _MODULES[suffix]
    registry = Path(os.path.realpath(program)).parent.parent / "share" / "registry"
    if registry.is_dir() and not (registry / f"{module}.xcd").is_file():
        package = f"libreoffice-{module}-nogui"
        raise MissingDependency(f"{OFFICE_TYPES[suffix]} files need LibreOffice's {module.capitalize()}, "
                                f"which is not installed; install Debian's {package}.")
    return program


@functools.lru_cache(maxsize=1)
def _network_isolation() -> tuple[str, ...]:
    """``unshare`` with a network namespace of its own when this kernel lets us create one; else nothing."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    prefix = (unshare, "--net", "--map-root-user")
    try:
        probe = subprocess.run([*prefix, "true"], check=False, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return prefix if probe.returncode == 0 else ()


def _password_protected(content: bytes) -> bool:
    """True for the password-protected files that can be told without LibreOffice: OOXML (an OLE compound
    file holding an ``EncryptedPackage`` stream) and ODF (whose manifest lists encryption data)."""
    if content.startswith(_MAGIC[1]):
        return "EncryptedPackage".encode("utf-16-le") in content
    if content.startswith(_MAGIC[0]):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("META-INF/manifest.xml") as manifest:
                return b"encryption-data" in manifest.read(1 << 20)  # a manifest is a few KB
        except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError):
            return False
    return False
