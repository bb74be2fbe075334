"""Safe unpacking of a release package (a ZIP file or a folder), listed file by file.

Contract:

* Every file of the package is yielded as one ``Entry``; nothing is dropped silently. A file is a ``pdf``
  or ``text`` document (with its bytes), or ``unsupported`` / ``refused`` with a one-sentence reason.
* Nothing is written to disk: callers store the bytes they keep. ``Entry.path`` is a cleaned relative
  path that cannot point outside the package, unique within the package (also ignoring case).
* Hostile packages are refused, never trusted: sizes in ZIP headers are only used to refuse early, while
  reading every member is stopped as soon as a limit is passed. A limit on one file refuses that file; a
  limit on the whole package (file count, total bytes) raises ``PackageError``.
* Only the entry being yielded is held in memory (plus the bytes of a nested ZIP while its files are
  yielded).
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, short_reason

__all__ = ["Entry", "Limits", "PackageError", "unpack"]

KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30

PDF, TEXT, UNSUPPORTED, REFUSED = "pdf", "text", "unsupported", "refused"
# Read whole and handed on to be converted to PDF (redaction.convert): scans, Office files, e-mails.
from ..convert.inputs import CONVERTED  # noqa: E402  (image, office, email)

SYSTEM_FILE = "system file (macOS/Windows), not a document"

_CHUNK = MIB  # bytes asked of a stream at a time: small enough to stop a bomb early, big enough to be fast
_HEAD = 1024  # a PDF's "%PDF-" must lie within this many bytes (as PDF readers accept)
_RATIO_FROM = MIB  # small members may compress very well (a blank form); only big ones count as bombs

# Errors zipfile and zlib raise for a damaged archive or member; none of them is a bug on our side.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, RuntimeError,
               NotImplementedError, struct.error, OSError)


class PackageError(InputError):
    """The package as a whole cannot be read or is refused; ``str(error)`` says what is wrong and what to do."""


@dataclass(frozen=True)
class Limits:
    """What a package may hold before it is taken for a zip bomb (or simply too big for one job)."""

    max_files: int = 10_000  # names in the whole package: members of every ZIP (folders too), folder items
    max_total_bytes: int = 4 << 30  # bytes read (decompressed) from the whole package
    max_file_bytes: int = 512 << 20  # bytes of one file
    max_ratio: int = 200  # decompressed/compressed bytes of one ZIP member, checked once it passes 1 MiB
    max_depth: int = 3  # ZIP files inside the package's own ZIP (or folder), one inside the other


def check_declared(source: str | os.PathLike, limits: Limits = Limits()) -> None:
    """Refuse a ZIP at once (``PackageError``) when what its directory declares already passes the whole-
    package limits: more names than ``max_files``, or more bytes than ``max_total_bytes``. Declared sizes
    can lie low, so ``unpack`` still counts while reading; this is the early answer for an upload."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise PackageError(f"the ZIP file is damaged ({short_reason(exc)}); pack it again.") from exc
    if len(members) > limits.max_files:
        raise PackageError(f"the ZIP file holds {len(members)} files; the limit is {limits.max_files}.")
    declared = sum(member.file_size for member in members)
    if declared > limits.max_total_bytes:
        raise PackageError(f"the ZIP file unpacks to {_amount(declared)}; the limit is "
                           f"{_amount(limits.max_total_bytes)} (a zip bomb, or too big for one package).")


@dataclass
class Entry:
    """One file of the package.

    ``kind`` is ``"pdf"`` or ``"text"`` (``content`` holds the bytes, ``size`` their length), or
    ``"unsupported"`` / ``"refused"`` (``reason`` says why; ``size`` is what the ZIP header or the file
    system states, or the bytes read before a limit stopped the reading if more).
    """

    path: str
    kind: str
    size: int
    content: bytes | None = None
    reason: str | None = None


def unpack(source: str | os.PathLike, limits: Limits = Limits()) -> Iterator[Entry]:
    """Yield every file of the package, in a stable order (sorted by path), one at a time.

    ``source`` is a folder or a ZIP file (recognised by content, not by name). A file inside a nested
    ZIP has the path ``outer/dir/inner.zip/doc.pdf``; the order is that of a sorted tree walk (a nested
    ZIP's files come where the ZIP file itself would).

    Raises ``PackageError`` at once for a missing path or a file that is no ZIP; while iterating for a
    damaged ZIP or when a limit on the whole package is passed (the entries already yielded are then
    incomplete: the whole package is refused).
    """
    path = Path(source)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise PackageError(f"{path} does not exist; give the path of a ZIP file or a folder.") from None
    except OSError as exc:
        raise PackageError(f"{path} cannot be read ({short_reason(exc)}); check the path and its "
                           "permissions.") from None
    unpacker = _Unpacker(limits)
    if stat.S_ISDIR(mode):
        return unpacker.folder(path)
    # a FIFO or device is never opened: opening a FIFO blocks until someone writes to it
    if stat.S_ISREG(mode):
        try:
            with open(path, "rb") as file:
                is_zip = zipfile.is_zipfile(file)
        except zipfile.BadZipFile as exc:  # e.g. the last part of a split (multi-disk) archive
            raise PackageError(f"{path.name} is a damaged or split ZIP file ({short_reason(exc)}); pack the "
                               "documents again as one ZIP file.") from None
        except OSError as exc:
            raise PackageError(f"{path.name} cannot be read ({short_reason(exc)}); check its permissions.") from None
        if is_zip:
            return unpacker.zip_file(path)
    raise PackageError(f"{path.name} is not a ZIP file or a folder; give the release package as a ZIP file "
                       "or as a folder of documents.")


# --- names ----------------------------------------------------------------------------------------------

_REMOVED_CATEGORIES = {"Cc", "Cf"}  # control characters, and invisible format ones (right-to-left override)


def clean_path(name: str) -> str:
    """A safe relative "/"-separated path for a name out of a ZIP or a folder.

    Backslashes count as separators (Windows tools write them); ``.``/``..``, empty parts, drive letters
    and control characters are removed; each part loses surrounding spaces and trailing dots (as Windows
    does, so that ``".. "`` cannot become ``..`` there). Never empty, never absolute.
    """
    text = unicodedata.normalize("NFC", name.replace("\\", "/"))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _REMOVED_CATEGORIES)
    parts = []
    for part in text.split("/"):
        if len(part) >= 2 and part[1] == ":" and part[0].isascii() and part[0].isalpha():
            part = part[2:]  # "C:" or "C:name": a drive letter
        part = part.strip().rstrip(". ")
        if part:
            parts.append(part)
    return "/".join(parts) or "unnamed"


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; UTF-8 names written without the UTF-8 flag (Linux and macOS tools) are repaired,
    as zipfile read them as code page 437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _numbered(path: str, number: int) -> str:
    """``dir/report.pdf`` as ``dir/report (2).pdf``: the extension stays, so the type is still visible."""
    folder, _, base = path.rpartition("/")
    stem, dot, extension = base.rpartition(".")
    if not stem:  # no extension, or a name like ".hidden"
        stem, dot, extension = base, "", ""
    numbered = f"{stem} ({number}){dot}{extension}"
    return f"{folder}/{numbered}" if folder else numbered


def _unique(path: str, taken: set[str]) -> str:
    """``path``, or a numbered variant if taken; case is ignored, as on Windows and macOS disks."""
    candidate, number = path, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = _numbered(path, number)
    taken.add(candidate.casefold())
    return candidate


def _sort_key(path: str) -> list[str]:
    return path.split("/")  # part by part: the order of a tree walk ("a.zip/x" before "a.zip.txt")


def _extension(path: str) -> str:
    base = path.rpartition("/")[2]
    stem, _, extension = base.rpartition(".")
    return extension.lower() if stem else ""


_SYSTEM_NAMES = {".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini"}


def _is_system_file(path: str) -> bool:
    parts = path.split("/")
    base = parts[-1]
    return "__MACOSX" in parts[:-1] or base.lower() in _SYSTEM_NAMES or base.startswith("._")


# --- file types -----------------------------------------------------------------------------------------

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_KIND_BY_EXTENSION = {
    **dict.fromkeys(("doc", "docx", "docm", "dot", "dotx", "dotm", "rtf", "wpd"), "word"),
    **dict.fromkeys(("xls", "xlsx", "xlsm", "xlsb", "xlt", "xltx", "csv"), "excel"),
    **dict.fromkeys(("ppt", "pptx", "pptm", "pps", "ppsx", "pot", "potx"), "powerpoint"),
    **dict.fromkeys(("odt", "ods", "odp", "odg"), "opendocument"),
    **dict.fromkeys(("eml", "msg", "mbox", "pst", "oft"), "email"),
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "heic", "webp"), "image"),
}
# ZIP files by content, documents by name: never unpacked as nested ZIPs
_ZIP_BASED_DOCUMENTS = {"docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "pptx", "pptm", "ppsx", "potx",
                        "odt", "ods", "odp", "odg", "epub"}

_REASONS = {
    "word": "this kind of Word file is not supported; save it as .docx or PDF.",
    "excel": "this kind of Excel file is not supported; save it as .xlsx or PDF.",
    "powerpoint": "this kind of PowerPoint file is not supported; save it as .pptx or PDF.",
    "opendocument": "this kind of OpenDocument file is not supported; save it as .odt, .ods, .odp or PDF.",
    "office": "this Office file is not supported; save it as .docx, .xlsx, .pptx or PDF.",
    "email": "mailboxes and e-mail templates are not supported; export each e-mail as .eml or .msg.",
    "image": "this image type is not supported; convert it to PNG, JPEG, TIFF or PDF.",
}

_DOCUMENT_NAMES = {"word": "a Word document", "excel": "an Excel workbook", "powerpoint": "a PowerPoint file",
                   "opendocument": "an OpenDocument file", "office": "an Office document"}

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files and Outlook .msg


def _convertible(path: str, head: bytes) -> str | None:
    """``image``, ``office`` or ``email`` for a file that redaction.convert turns into a PDF."""
    from ..convert.inputs import input_kind

    kind = input_kind(path, head)
    return kind if kind in CONVERTED else None


def unsupported_reason(path: str, head: bytes) -> str:
    """One sentence saying why a file of this name and content is not processed, and what to do."""
    return _unsupported_reason(path, head)


def _unsupported_reason(path: str, head: bytes) -> str:
    extension = _extension(path)
    kind = _KIND_BY_EXTENSION.get(extension)
    if kind is None and head.startswith(_IMAGE_MAGIC):
        kind = "image"
    if kind is None and head.startswith(_OLE_MAGIC):
        kind = "office"
    if kind is not None:
        return _REASONS[kind]
    if extension:
        return f"files of type .{extension} are not supported; only PDF, images, Office files, e-mails and .txt files are."
    return "files of unknown type are not supported; only PDF, images, Office files, e-mails and .txt files are."


def _office_kind(names: list[str]) -> str | None:
    """``"word"``, ``"excel"``, ... if the ZIP's members make it an Office or OpenDocument file."""
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", "word"), ("xl/", "excel"), ("ppt/", "powerpoint")):
            if any(name.startswith(prefix) for name in names):
                return kind
        return "office"
    if "mimetype" in names and "META-INF/manifest.xml" in names:
        return "opendocument"
    return None


def _text_problem(data: bytes) -> str | None:
    """Why ``data`` is not plain text (UTF-8, else Windows-1252), or None; decodes in chunks, keeps nothing."""
    if b"\x00" in data:
        return "the .txt file holds binary data (perhaps UTF-16 text); save it as UTF-8 text."
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        view = memoryview(data)
        try:
            for start in range(0, len(data), _CHUNK):
                decoder.decode(view[start:start + _CHUNK])
            decoder.decode(b"", final=True)
            return None
        except UnicodeDecodeError:
            continue
    return "the .txt file is neither UTF-8 nor Windows-1252 text; save it as UTF-8 text."


def _amount(count: int) -> str:
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


# --- reading within the limits --------------------------------------------------------------------------

class _Refused(Exception):
    """One file is refused; its message is the entry's reason."""


_COMPRESSION_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64", 93: "Zstandard",
                      95: "XZ", 98: "PPMd"}


@dataclass
class _Candidate:
    """A file found in a ZIP or folder, not yet read."""

    path: str
    claimed_size: int  # from the ZIP header or the file system: used to refuse early, never to trust
    open: Callable[[], BinaryIO]
    compressed_size: int | None = None  # ZIP members only, at most the archive's size
    refusal: str | None = None  # known before reading (an encrypted member, ...)


class _Reader:
    """Reads one file in chunks and stops the moment it passes a limit, whatever its header said."""

    def __init__(self, stream: BinaryIO, unpacker: _Unpacker, compressed_size: int | None):
        self.stream, self.unpacker, self.compressed_size = stream, unpacker, compressed_size
        self.count = 0

    def read(self, size: int) -> bytes:
        limits = self.unpacker.limits
        # never ask for more than one byte past the limit: that byte is enough to know it was passed
        size = min(size, limits.max_file_bytes + 1 - self.count)
        chunk = self.stream.read(size) if size > 0 else b""
        self.count += len(chunk)
        self.unpacker.take_bytes(len(chunk))
        if self.count > limits.max_file_bytes:
            raise _Refused(f"the file is larger than {_amount(limits.max_file_bytes)}")
        compressed = self.compressed_size
        if compressed is not None and self.count > _RATIO_FROM and self.count > limits.max_ratio * compressed:
            raise _Refused(f"compression ratio {self.count // max(compressed, 1)}:1 looks like a zip bomb")
        return chunk

    def read_all(self, head: bytes) -> bytes:
        chunks = [head]
        while chunk := self.read(_CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)


_CENTRAL_HEADER = b"PK\x01\x02"
_END_RECORD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_TRAILER = 56 + 20  # a ZIP64 end record and its locator, between the central directory and the end record


def _central_directory_bound(file: BinaryIO) -> int:
    """At least as many as the members zipfile will list, counted without parsing them.

    zipfile builds an object per member before anything can be checked; a small file can list millions of
    members. Every member record starts with a signature, so counting signatures in the directory's
    region bounds the count. For ZIP64 archives (rare, and near the limits anyway) the whole file is
    scanned, as the region is harder to pin down.
    """
    end = file.seek(0, os.SEEK_END)
    tail_start = max(0, end - (22 + 0xFFFF))
    file.seek(tail_start)
    tail = file.read()
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < 22:
        return 0  # zipfile will find no directory either
    entries, directory_size = struct.unpack_from("<HL", tail, at + 10)
    record = tail_start + at
    zip64 = entries == 0xFFFF or directory_size == 0xFFFFFFFF or tail[max(0, at - 20):at].startswith(_ZIP64_LOCATOR)
    start = 0 if zip64 else max(0, record - directory_size - _ZIP64_TRAILER)
    file.seek(start)
    count, carry, left = 0, b"", record - start
    while left > 0:
        chunk = file.read(min(_CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)
        window = carry + chunk
        count += window.count(_CENTRAL_HEADER)
        carry = window[-3:]  # a signature cut in two is counted with the next chunk, never twice
    return count


class _Unpacker:
    """One run over one package: the limits and what the package has used of them so far."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.files = 0
        self.bytes = 0
        self.paths: set[str] = set()  # casefolded paths yielded so far
        self.root = ""  # a folder package: its real path, for telling where symbolic links lead

    # -- package-wide limits

    def count_files(self, count: int) -> None:
        self.files += count
        self.check_files(0)

    def check_files(self, more: int) -> None:
        if self.files + more > self.limits.max_files:
            raise PackageError(f"the package holds more than {self.limits.max_files} files (nested ZIP files "
                               "included), which looks like a zip bomb; split it into smaller packages.")

    def take_bytes(self, count: int) -> None:
        self.bytes += count
        if self.bytes > self.limits.max_total_bytes:
            raise PackageError(f"the package unpacks to more than {_amount(self.limits.max_total_bytes)} in "
                               "total, which looks like a zip bomb; split it into smaller packages.")

    def entry(self, path: str, kind: str, size: int, content: bytes | None = None,
              reason: str | None = None) -> Entry:
        # paths are already unique within their ZIP or folder; this catches a file inside a nested ZIP
        # meeting a real path ("a.zip/x.pdf" as a folder and as a ZIP's member)
        return Entry(_unique(path, self.paths), kind, size, content, reason)

    # -- the package

    def folder(self, root: Path) -> Iterator[Entry]:
        self.root = os.path.realpath(root)
        # a stack of sorted listings rather than recursion: a folder tree may be deeper than Python's stack
        stack = [self._listing(self.root, "")]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
            elif isinstance(item, Entry):
                yield item
            else:
                stack.append(self._listing(*item))

    def _listing(self, directory: str, relative: str) -> Iterator[Entry | tuple[str, str]]:
        """A folder's items in order: entries, and (real path, relative path) for each subfolder to walk."""
        try:
            with os.scandir(directory) as scan:
                items = sorted(scan, key=lambda item: item.name)
        except OSError as exc:
            yield self.entry(clean_path(relative), REFUSED, 0,
                             reason=f"the folder cannot be read ({short_reason(exc)})")
            return
        self.count_files(len(items))
        taken: set[str] = set()
        named = [(_unique(clean_path(f"{relative}/{item.name}"), taken), item) for item in items]
        named.sort(key=lambda pair: _sort_key(pair[0]))
        for path, item in named:
            if item.is_symlink():
                yield from self._link(item, path)
            elif item.is_dir(follow_symlinks=False):
                yield (item.path, f"{relative}/{item.name}")
            elif item.is_file(follow_symlinks=False):
                yield from self.examine(self._folder_file(item.path, path), depth=0)
            else:  # a FIFO, socket or device: never opened (opening a FIFO blocks)
                yield self.entry(path, REFUSED, 0, reason=_special_file_reason(item.stat(follow_symlinks=False)))

    def _link(self, item: os.DirEntry, path: str) -> Iterator[Entry]:
        target = os.path.realpath(item.path)
        if os.path.commonpath([self.root, target]) != self.root:
            yield self.entry(path, REFUSED, 0, reason="symbolic link outside the package")
            return
        try:
            status = os.stat(target)
        except OSError:
            yield self.entry(path, REFUSED, 0, reason="broken symbolic link")
            return
        if stat.S_ISDIR(status.st_mode):
            # never followed: even inside the package it may loop, or list a folder twice
            yield self.entry(path, REFUSED, 0, reason="symbolic link to a folder, not followed")
        elif stat.S_ISREG(status.st_mode):
            yield from self.examine(self._folder_file(target, path), depth=0)
        else:
            yield self.entry(path, REFUSED, 0, reason=_special_file_reason(status))

    def _folder_file(self, real_path: str, path: str) -> _Candidate:
        try:
            size = os.stat(real_path, follow_symlinks=False).st_size
        except OSError:
            size = 0
        return _Candidate(path, size, lambda: _open_regular_file(real_path))

    def zip_file(self, path: Path) -> Iterator[Entry]:
        with open(path, "rb") as file:
            try:
                archive = self.open_zip(file)
            except _ZIP_ERRORS as exc:
                raise PackageError(f"{path.name} is a damaged ZIP file ({short_reason(exc)}); make the ZIP file "
                                   "again, or give the folder of documents instead.") from None
            with archive:
                kind = _office_kind(archive.namelist())
                if kind is not None:
                    raise PackageError(f"{path.name} is {_DOCUMENT_NAMES[kind]}, not a ZIP file of documents; "
                                       "put it in a ZIP file or a folder.")
                yield from self.zip_members(archive, "", os.fstat(file.fileno()).st_size, depth=0)

    def open_zip(self, file: BinaryIO) -> zipfile.ZipFile:
        """The archive, its members counted against ``max_files`` (before zipfile lists them, too)."""
        self.check_files(_central_directory_bound(file))
        file.seek(0)
        archive = zipfile.ZipFile(file)
        self.count_files(len(archive.infolist()))
        return archive

    def zip_members(self, archive: zipfile.ZipFile, prefix: str, archive_size: int, depth: int) -> Iterator[Entry]:
        """The archive's files, ``prefix`` before their paths, ``depth`` the ZIP files they are in."""
        taken: set[str] = set()
        candidates = []
        # the first of two members with the same name keeps it: numbering follows the archive's order
        for info in archive.infolist():
            name = _zip_member_name(info)
            is_folder = name.endswith(("/", "\\"))
            if is_folder and not info.file_size:
                continue  # folders are not entries; their files are
            path = _unique(clean_path(name), taken)
            refusal = None
            if is_folder:
                refusal = "a folder entry in the ZIP file holds data"
            elif info.flag_bits & 0x1:
                refusal = "encrypted ZIP member"
            elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                # bzip2 and LZMA: zipfile cannot bound their output, so a few KiB could fill the memory
                method = _COMPRESSION_NAMES.get(info.compress_type, f"method {info.compress_type}")
                refusal = f"ZIP member compressed with {method}; pack the ZIP again with ordinary compression."
            candidates.append(_Candidate(f"{prefix}{path}", info.file_size,
                                         lambda info=info: archive.open(info),
                                         min(info.compress_size, archive_size), refusal))
        candidates.sort(key=lambda candidate: _sort_key(candidate.path))
        for candidate in candidates:
            yield from self.examine(candidate, depth)

    # -- one file

    def examine(self, candidate: _Candidate, depth: int) -> Iterator[Entry]:
        """The entry of one file, or the entries of a nested ZIP; ``depth``: the ZIP files it is in."""
        found = self._read(candidate, depth)
        if isinstance(found, Entry):
            yield found
        else:  # the file was read and closed first: only a nested ZIP's bytes are held while its files go by
            yield from self._nested_zip(found, candidate.path, depth + 1)

    def _read(self, candidate: _Candidate, depth: int) -> Entry | bytes:
        """The file's entry, or the bytes of a nested ZIP to unpack; reads only what its kind needs."""
        path, claimed, limits = candidate.path, candidate.claimed_size, self.limits
        if _is_system_file(path):
            return self.entry(path, UNSUPPORTED, claimed, reason=SYSTEM_FILE)
        if candidate.refusal is not None:
            return self.entry(path, REFUSED, claimed, reason=candidate.refusal)
        # what a header claims is reason enough to refuse, never to accept
        if claimed > limits.max_file_bytes:
            return self.entry(path, REFUSED, claimed,
                              reason=f"the file is larger than {_amount(limits.max_file_bytes)}")
        compressed = candidate.compressed_size
        if compressed is not None and claimed > _RATIO_FROM and claimed > limits.max_ratio * compressed:
            return self.entry(path, REFUSED, claimed,
                              reason=f"compression ratio {claimed // max(compressed, 1)}:1 looks like a zip bomb")
        reader = None
        try:
            with candidate.open() as stream:
                reader = _Reader(stream, self, compressed)
                head = reader.read(_HEAD)
                if not head:
                    return self.entry(path, REFUSED, 0, reason="the file is empty")
                extension = _extension(path)
                if b"%PDF-" in head:  # by content: a PDF named .jpg or without extension is still a PDF
                    data = reader.read_all(head)
                    return self.entry(path, PDF, len(data), content=data)
                if (head.startswith(_ZIP_MAGIC) or extension == "zip") and extension not in _ZIP_BASED_DOCUMENTS:
                    if depth >= limits.max_depth:
                        return self.entry(path, REFUSED, claimed,
                                          reason=f"ZIP file nested more than {limits.max_depth} deep, not unpacked")
                    return reader.read_all(head)
                convertible = _convertible(path, head)
                if convertible is not None:
                    data = reader.read_all(head)
                    return self.entry(path, convertible, len(data), content=data)
                if extension == "txt":
                    data = reader.read_all(head)
                    problem = _text_problem(data)
                    if problem is not None:
                        return self.entry(path, UNSUPPORTED, len(data), reason=problem)
                    return self.entry(path, TEXT, len(data), content=data)
                return self.entry(path, UNSUPPORTED, claimed, reason=_unsupported_reason(path, head))
        except _Refused as refusal:
            return self.entry(path, REFUSED, max(claimed, reader.count if reader else 0), reason=str(refusal))
        except _ZIP_ERRORS as exc:
            problem = "the ZIP member is damaged" if compressed is not None else "the file cannot be read"
            return self.entry(path, REFUSED, max(claimed, reader.count if reader else 0),
                              reason=f"{problem} ({short_reason(exc)})")

    def _nested_zip(self, data: bytes, path: str, depth: int) -> Iterator[Entry]:
        try:
            archive = self.open_zip(io.BytesIO(data))
        except _ZIP_ERRORS as exc:
            yield self.entry(path, REFUSED, len(data), reason=f"the ZIP file is damaged ({short_reason(exc)})")
            return
        with archive:
            kind = _office_kind(archive.namelist())
            if kind is not None:
                yield self.entry(path, UNSUPPORTED, len(data), reason=_REASONS[kind])
                return
            any_file = False
            for entry in self.zip_members(archive, f"{path}/", len(data), depth):
                any_file = True
                yield entry
            if not any_file:
                yield self.entry(path, REFUSED, len(data), reason="the ZIP file holds no files")


def _open_regular_file(path: str) -> BinaryIO:
    """Open a file of a folder for reading, refusing anything that turned into a link or special file
    since it was listed (O_NONBLOCK: a FIFO swapped in must not block the open)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise _Refused("the file changed into a special file while the package was read")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _special_file_reason(status: os.stat_result) -> str:
    mode = status.st_mode
    if stat.S_ISFIFO(mode):
        what = "named pipe"
    elif stat.S_ISSOCK(mode):
        what = "socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "device"
    else:
        what = "unknown kind"
    return f"special file ({what}), not a document"
