"""Unpacking release packages: every file listed, hostile ZIP files and folders refused safely.

The ZIP files are real (zipfile), patched byte by byte where a hostile one has to lie in its headers.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import pymupdf
import pytest

from redaction.errors import ExitCode, InputError
from redaction.package.unpack import (
    MIB,
    Entry,
    Limits,
    PackageError,
    _Reader,
    _Unpacker,
    clean_path,
    unpack,
)

SYSTEM_FILE = "system file (macOS/Windows), not a document"


def make_pdf(text: str = "Hallo") -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), text)
    data = doc.tobytes()
    doc.close()
    return data


PDF = make_pdf()


def zip_bytes(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted in one test
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in members:
                archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def write_zip(folder: Path, members: list[tuple[str, bytes]], name: str = "package.zip") -> Path:
    path = folder / name
    path.write_bytes(zip_bytes(members))
    return path


def by_path(entries: list[Entry]) -> dict[str, Entry]:
    return {entry.path: entry for entry in entries}


def patch_member(data: bytes, name: str, *, flags: int = 0, file_size: int | None = None,
                 compress_size: int | None = None) -> bytes:
    """``data`` with the named member's local and central headers changed: flag bits set, sizes replaced."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(name).header_offset
    end = data.rindex(b"PK\x05\x06")
    directory_size, directory_offset = struct.unpack_from("<LL", data, end + 12)
    # local header: flags at 6, compressed size at 18, size at 22; central record: at 8, 20 and 24
    headers = [(local, 6, 18)]
    at = directory_offset
    while at < directory_offset + directory_size:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46:at + 46 + name_length] == name.encode():
            headers.append((at, 8, 20))
        at += 46 + name_length + extra_length + comment_length
    assert len(headers) == 2
    for start, flags_at, sizes_at in headers:
        struct.pack_into("<H", patched, start + flags_at, struct.unpack_from("<H", data, start + flags_at)[0] | flags)
        if compress_size is not None:
            struct.pack_into("<L", patched, start + sizes_at, compress_size)
        if file_size is not None:
            struct.pack_into("<L", patched, start + sizes_at + 4, file_size)
    return bytes(patched)


# --- ordinary packages ----------------------------------------------------------------------------------

def test_folder_lists_every_file_sorted_by_path(tmp_path: Path):
    root = tmp_path / "package"
    (root / "b" / "c").mkdir(parents=True)
    (root / "z.pdf").write_bytes(PDF)
    (root / "b" / "notes.txt").write_text("Gesprek met de heer Jansen.", encoding="utf-8")
    (root / "b" / "c" / "deep.pdf").write_bytes(PDF)
    (root / "a.docx").write_bytes(b"not really a Word file")
    entries = list(unpack(root))
    assert [entry.path for entry in entries] == ["a.docx", "b/c/deep.pdf", "b/notes.txt", "z.pdf"]
    found = by_path(entries)
    assert found["z.pdf"].kind == "pdf" and found["z.pdf"].content == PDF and found["z.pdf"].size == len(PDF)
    assert found["b/notes.txt"].kind == "text" and found["b/notes.txt"].content.startswith(b"Gesprek")
    # a .docx whose content is no Office file is not handed to LibreOffice
    assert found["a.docx"].kind == "unsupported" and found["a.docx"].content is None
    assert found["a.docx"].reason == "this kind of Word file is not supported; save it as .docx or PDF."


def test_zip_lists_every_file_and_skips_only_folder_records(tmp_path: Path):
    package = write_zip(tmp_path, [("docs/", b""), ("docs/b.pdf", PDF), ("a.txt", "Één brief".encode()),
                                   ("docs/mail.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")])
    entries = list(unpack(package))
    assert [(entry.path, entry.kind) for entry in entries] == [
        ("a.txt", "text"), ("docs/b.pdf", "pdf"), ("docs/mail.msg", "email")]
    assert entries[1].content == PDF
    assert entries[2].content.startswith(b"\xd0\xcf\x11\xe0")  # read whole, to be converted


def test_kind_is_decided_by_content_first(tmp_path: Path):
    package = write_zip(tmp_path, [("scan.jpg", PDF), ("noextension", PDF), ("photo.txt.png", b"\x89PNG\r\n\x1a\n..."),
                                   ("legacy.txt", "café".encode("cp1252")), ("utf16.txt", "hoi".encode("utf-16")),
                                   ("data.bin", b"\x01\x02")])
    found = by_path(list(unpack(package)))
    assert found["scan.jpg"].kind == "pdf" and found["noextension"].kind == "pdf"
    assert found["legacy.txt"].kind == "text" and found["legacy.txt"].content == "café".encode("cp1252")
    assert found["utf16.txt"].kind == "unsupported" and "UTF-8" in found["utf16.txt"].reason
    assert found["photo.txt.png"].kind == "image"  # a scan: read by OCR
    assert found["data.bin"].reason == ("files of type .bin are not supported; only PDF, images, Office files, "
                                        "e-mails and .txt files are.")


def test_unsupported_and_system_files_are_listed_with_reasons(tmp_path: Path):
    package = write_zip(tmp_path, [
        ("brief.docx", zip_bytes([("[Content_Types].xml", b"<x/>"), ("word/document.xml", b"<w/>")])),
        ("begroting.xlsx", b"PK\x03\x04..."), ("dia's.pptx", b"PK\x03\x04..."), ("bericht.eml", b"From: a@b.nl"),
        ("__MACOSX/._brief.pdf", b"\x00\x05\x16\x07"), ("map/.DS_Store", b"\x00\x00\x00\x01Bud1"),
        ("Thumbs.db", b"\xd0\xcf\x11\xe0"), ("leeg.pdf", b""),
        # an Office file by content, whatever its name: not unpacked as a nested ZIP
        ("bijlage", zip_bytes([("[Content_Types].xml", b"<x/>"), ("xl/workbook.xml", b"<w/>")]))])
    found = by_path(list(unpack(package)))
    # Office files and e-mails are read whole, to be converted to PDF
    for name, kind in (("brief.docx", "office"), ("begroting.xlsx", "office"), ("dia's.pptx", "office"),
                       ("bericht.eml", "email")):
        assert (found[name].kind, found[name].reason) == (kind, None) and found[name].content, name
    assert found["bijlage"].kind == "unsupported" and found["bijlage"].reason.startswith("this kind of Excel")
    for system in ("__MACOSX/._brief.pdf", "map/.DS_Store", "Thumbs.db"):
        assert (found[system].kind, found[system].reason) == ("unsupported", SYSTEM_FILE)
    assert (found["leeg.pdf"].kind, found["leeg.pdf"].reason) == ("refused", "the file is empty")
    assert all(entry.reason for entry in found.values() if entry.kind in ("unsupported", "refused"))


def test_nested_zip_files_are_unpacked_in_place(tmp_path: Path):
    inner = zip_bytes([("doc.pdf", PDF), ("sub/note.txt", b"hallo")])
    package = write_zip(tmp_path, [("outer/dir/inner.zip", inner), ("outer/dir/inner.zip.txt", b"after"),
                                   ("outer/a.pdf", PDF)])
    entries = list(unpack(package))
    assert [entry.path for entry in entries] == [
        "outer/a.pdf", "outer/dir/inner.zip/doc.pdf", "outer/dir/inner.zip/sub/note.txt", "outer/dir/inner.zip.txt"]
    assert entries[1].kind == "pdf" and entries[1].content == PDF


def test_nested_zip_deeper_than_the_limit_is_refused(tmp_path: Path):
    level3 = zip_bytes([("deepest.pdf", PDF)])
    level2 = zip_bytes([("level3.zip", level3), ("two.pdf", PDF)])
    level1 = zip_bytes([("level2.zip", level2), ("one.pdf", PDF)])
    package = write_zip(tmp_path, [("level1.zip", level1)])
    found = by_path(list(unpack(package, Limits(max_depth=2))))
    assert set(found) == {"level1.zip/one.pdf", "level1.zip/level2.zip/two.pdf", "level1.zip/level2.zip/level3.zip"}
    refused = found["level1.zip/level2.zip/level3.zip"]
    assert refused.kind == "refused" and "nested more than 2 deep" in refused.reason
    assert [entry.path for entry in unpack(package, Limits(max_depth=0))] == ["level1.zip"]


def test_damaged_or_empty_nested_zip_is_refused_and_the_rest_goes_on(tmp_path: Path):
    damaged = zip_bytes([("x.pdf", PDF)])[:-30]
    package = write_zip(tmp_path, [("a.zip", damaged), ("b.pdf", PDF), ("c.zip", zip_bytes([("empty/", b"")]))])
    found = by_path(list(unpack(package)))
    assert found["a.zip"].kind == "refused" and "damaged" in found["a.zip"].reason
    assert found["b.pdf"].kind == "pdf"
    assert (found["c.zip"].kind, found["c.zip"].reason) == ("refused", "the ZIP file holds no files")


def test_a_zip_in_a_folder_is_unpacked_too(tmp_path: Path):
    root = tmp_path / "package"
    root.mkdir()
    write_zip(root, [("in.pdf", PDF)], name="bijlagen.zip")
    assert [(entry.path, entry.kind) for entry in unpack(root)] == [("bijlagen.zip/in.pdf", "pdf")]


# --- names ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "cleaned"), [
    ("../../etc/passwd", "etc/passwd"), ("/abs/x.txt", "abs/x.txt"), ("C:\\x\\y.txt", "x/y.txt"),
    ("a/../../b.txt", "a/b.txt"), ("bel\x07\nlijn.txt", "bellijn.txt"), ("..", "unnamed"),
    (".. /... /x.txt", "x.txt"), ("rapport\u202etxt.exe", "rapporttxt.exe"), ("cafe\u0301.txt", "café.txt"),
])
def test_clean_path(name: str, cleaned: str):
    assert clean_path(name) == cleaned


def test_traversal_names_in_a_zip_are_cleaned(tmp_path: Path):
    names = ["../../etc/passwd.txt", "/abs.txt", "C:\\x\\y.txt", "a/../../b.txt", "ok\x07bell.txt", "./../.."]
    package = write_zip(tmp_path, [(name, b"tekst") for name in names])
    paths = [entry.path for entry in unpack(package)]
    assert sorted(paths) == sorted(["etc/passwd.txt", "abs.txt", "x/y.txt", "a/b.txt", "okbell.txt", "unnamed"])
    for path in paths:
        assert not path.startswith("/") and "\\" not in path and ":" not in path
        assert all(part not in ("", ".", "..") for part in path.split("/"))


def test_utf8_names_without_the_utf8_flag_are_read_as_utf8(tmp_path: Path):
    data = zip_bytes([("cafXY.txt", b"tekst")]).replace(b"cafXY.txt", "café.txt".encode())
    path = tmp_path / "package.zip"
    path.write_bytes(data)
    assert [entry.path for entry in unpack(path)] == ["café.txt"]


def test_duplicate_names_are_both_listed_under_unique_paths(tmp_path: Path):
    other = make_pdf("Tweede")
    package = write_zip(tmp_path, [("dir/doc.pdf", PDF), ("dir/doc.pdf", other), ("dir/DOC.pdf", PDF),
                                   ("./dir/doc.pdf", PDF)])
    entries = list(unpack(package))
    paths = [entry.path for entry in entries]
    assert sorted(paths) == sorted(["dir/doc.pdf", "dir/doc (2).pdf", "dir/DOC (3).pdf", "dir/doc (4).pdf"])
    assert paths == sorted(paths, key=lambda path: path.split("/"))
    assert by_path(entries)["dir/doc (2).pdf"].content == other and all(entry.kind == "pdf" for entry in entries)


# --- zip bombs and lying headers ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def zeros_zip() -> bytes:
    """50 MiB of zeros after a PDF's first line, deflated to about 50 KiB (ratio ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ok.pdf", PDF)
        with archive.open("bomb.pdf", "w") as member:
            member.write(b"%PDF-1.7\n")
            zeros = bytes(MIB)
            for _ in range(50):
                member.write(zeros)
        archive.writestr("zz.txt", b"na de bom")
    return buffer.getvalue()


def unpack_measured(path: Path) -> tuple[list[Entry], int]:
    """The entries and the peak of memory allocated while unpacking."""
    tracemalloc.start()
    try:
        entries = list(unpack(path))
        return entries, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_bomb_by_ratio_is_refused_without_reading_it(tmp_path: Path, zeros_zip: bytes):
    path = tmp_path / "bomb.zip"
    path.write_bytes(zeros_zip)
    entries, peak = unpack_measured(path)
    found = by_path(entries)
    bomb = found["bomb.pdf"]
    assert bomb.kind == "refused" and bomb.content is None
    assert bomb.reason.startswith("compression ratio ") and bomb.reason.endswith(":1 looks like a zip bomb")
    assert bomb.size == 50 * MIB + 9
    assert found["ok.pdf"].kind == "pdf" and found["zz.txt"].kind == "text"  # the other members go on
    assert peak < 5 * MIB


def test_bomb_lying_about_its_compressed_size_is_stopped_while_reading(tmp_path: Path, zeros_zip: bytes):
    # the headers claim 10 MiB compressed (ratio 5:1, harmless); the member really holds ~50 KiB
    path = tmp_path / "liar.zip"
    path.write_bytes(patch_member(zeros_zip, "bomb.pdf", compress_size=10 * MIB))
    entries, peak = unpack_measured(path)
    bomb = by_path(entries)["bomb.pdf"]
    assert bomb.kind == "refused" and "looks like a zip bomb" in bomb.reason
    assert peak < 30 * MIB  # stopped after a few MiB, far from the 50 MiB it would unpack to


def test_member_lying_about_its_size_is_never_read_past_the_claim(tmp_path: Path, zeros_zip: bytes):
    path = tmp_path / "liar.zip"
    path.write_bytes(patch_member(zeros_zip, "bomb.pdf", file_size=100))
    bomb = by_path(list(unpack(path)))["bomb.pdf"]
    assert bomb.kind == "refused" and bomb.reason.startswith("the ZIP member is damaged (Bad CRC-32")
    path.write_bytes(patch_member(zeros_zip, "bomb.pdf", file_size=0xFFFF0000))
    bomb = by_path(list(unpack(path)))["bomb.pdf"]
    assert (bomb.kind, bomb.reason) == ("refused", "the file is larger than 512 MiB")


class EndlessStream(io.RawIOBase):
    """A file that never ends, like a member whose header lies; counts what was asked of it."""

    def __init__(self):
        self.given = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "a reader asking for everything would never return"
        self.given += size
        return b"%PDF-" * (size // 5) + b"%" * (size % 5)


def test_reading_stops_one_byte_past_the_file_limit():
    stream = EndlessStream()
    reader = _Reader(stream, _Unpacker(Limits(max_file_bytes=5000)), compressed_size=None)
    with pytest.raises(Exception, match="the file is larger than 5000 bytes"):
        reader.read_all(reader.read(1024))
    assert stream.given == 5001


def test_file_limit_refuses_one_file_and_the_rest_goes_on(tmp_path: Path):
    big = PDF + b"%" * 4000
    package = write_zip(tmp_path, [("big.pdf", big), ("small.txt", b"klein")])
    found = by_path(list(unpack(package, Limits(max_file_bytes=len(big) - 1))))
    assert found["big.pdf"].kind == "refused" and found["big.pdf"].reason.startswith("the file is larger than")
    assert found["small.txt"].kind == "text"


def test_total_size_limit_refuses_the_package(tmp_path: Path):
    package = write_zip(tmp_path, [(f"doc{number}.pdf", PDF) for number in range(5)])
    limits = Limits(max_total_bytes=2 * len(PDF) + 1)
    assert len(list(unpack(package, Limits(max_total_bytes=5 * len(PDF))))) == 5
    yielded = []
    with pytest.raises(PackageError, match=rf"more than {limits.max_total_bytes} bytes in total") as caught:
        yielded.extend(unpack(package, limits))
    assert len(yielded) == 2
    assert caught.value.exit_code == ExitCode.INPUT_FILE


def test_file_count_limit_refuses_the_package_nested_files_included(tmp_path: Path):
    package = write_zip(tmp_path, [(f"doc{number}.txt", b"x") for number in range(5)])
    with pytest.raises(PackageError, match="more than 4 files"):
        list(unpack(package, Limits(max_files=4)))
    nested = write_zip(tmp_path, [("a.txt", b"x"), ("in.zip", zip_bytes([("b.txt", b"y"), ("c.txt", b"z")]))],
                       name="nested.zip")
    assert len(list(unpack(nested, Limits(max_files=4)))) == 3
    with pytest.raises(PackageError, match="more than 3 files"):
        list(unpack(nested, Limits(max_files=3)))
    root = tmp_path / "folder"
    root.mkdir()
    for number in range(4):
        (root / f"{number}.txt").write_text("x")
    with pytest.raises(PackageError, match="more than 3 files"):
        list(unpack(root, Limits(max_files=3)))


def test_encrypted_member_is_refused(tmp_path: Path):
    data = patch_member(zip_bytes([("geheim.pdf", PDF), ("open.pdf", PDF)]), "geheim.pdf", flags=0x1)
    path = tmp_path / "package.zip"
    path.write_bytes(data)
    found = by_path(list(unpack(path)))
    assert (found["geheim.pdf"].kind, found["geheim.pdf"].reason) == ("refused", "encrypted ZIP member")
    assert found["open.pdf"].kind == "pdf"


def test_bzip2_member_is_refused(tmp_path: Path):
    path = tmp_path / "package.zip"
    path.write_bytes(zip_bytes([("doc.pdf", PDF)], compression=zipfile.ZIP_BZIP2))
    entry = next(unpack(path))
    assert entry.kind == "refused" and "bzip2" in entry.reason


# --- packages that cannot be read -----------------------------------------------------------------------

def test_missing_path_is_a_package_error(tmp_path: Path):
    with pytest.raises(PackageError, match="does not exist") as caught:
        unpack(tmp_path / "nowhere.zip")
    assert caught.value.exit_code == 2 and isinstance(caught.value, InputError)


def test_not_a_zip_is_a_package_error(tmp_path: Path):
    path = tmp_path / "single.pdf"
    path.write_bytes(PDF)
    with pytest.raises(PackageError, match="single.pdf is not a ZIP file or a folder") as caught:
        unpack(path)
    assert caught.value.exit_code == 2
    assert str(caught.value).count(".") == 1 + str(caught.value).count(".pdf")  # one sentence


def test_corrupt_zip_is_a_package_error(tmp_path: Path):
    data = bytearray(zip_bytes([("a.pdf", PDF), ("b.pdf", PDF)]))
    directory = data.index(b"PK\x01\x02")
    data[directory:directory + 4] = b"XXXX"  # the central directory's first record is garbage
    path = tmp_path / "broken.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(PackageError, match="broken.zip is a damaged ZIP file") as caught:
        list(unpack(path))
    assert caught.value.exit_code == 2


def test_word_document_given_as_package_is_a_package_error(tmp_path: Path):
    path = tmp_path / "brief.docx"
    path.write_bytes(zip_bytes([("[Content_Types].xml", b"<x/>"), ("word/document.xml", b"<w/>")]))
    with pytest.raises(PackageError, match="is a Word document"):
        list(unpack(path))


# --- folders: links and special files -------------------------------------------------------------------

def test_symbolic_links(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(PDF)
    root = tmp_path / "package"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "real.pdf").write_bytes(PDF)
    (root / "escape.pdf").symlink_to(outside / "secret.pdf")
    (root / "escape_dir").symlink_to(outside, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "inside.pdf").symlink_to(root / "sub" / "real.pdf")
    (root / "dangling.pdf").symlink_to(root / "gone.pdf")
    found = by_path(list(unpack(root)))
    assert (found["escape.pdf"].kind, found["escape.pdf"].reason) == ("refused", "symbolic link outside the package")
    assert found["escape_dir"].reason == "symbolic link outside the package"
    assert (found["loop"].kind, found["loop"].reason) == ("refused", "symbolic link to a folder, not followed")
    assert found["inside.pdf"].kind == "pdf" and found["inside.pdf"].content == PDF
    assert found["dangling.pdf"].reason == "broken symbolic link"
    assert found["sub/real.pdf"].kind == "pdf"
    assert not any("secret" in path for path in found)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_in_a_folder_is_refused_without_blocking(tmp_path: Path):
    root = tmp_path / "package"
    root.mkdir()
    os.mkfifo(root / "pipe.pdf")
    (root / "doc.pdf").write_bytes(PDF)
    result: list[Entry] = []
    worker = threading.Thread(target=lambda: result.extend(unpack(root)), daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "unpack blocked on the FIFO"
    found = by_path(result)
    pipe = found["pipe.pdf"]
    assert (pipe.kind, pipe.reason) == ("refused", "special file (named pipe), not a document")
    assert found["doc.pdf"].kind == "pdf"


def test_unpack_is_lazy_and_holds_one_file_at_a_time(tmp_path: Path):
    package = write_zip(tmp_path, [("a.pdf", PDF), ("b.pdf", PDF)])
    entries = unpack(package)
    first = next(entries)
    assert first.path == "a.pdf"
    entries.close()  # stopping early closes the ZIP file
