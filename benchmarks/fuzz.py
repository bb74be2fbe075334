"""Bounded-time fuzzing of woo-redact's input contracts (not part of the test run).

Each target feeds damaged or hostile inputs to one entry point and checks its contract:

* ``pdf``  mutated real PDFs (byte flips, truncation, chunks duplicated or deleted, PDF tokens such as
  ``endobj``, ``xref``, ``/Length 999999`` inserted) -> ``redaction.document.open_document`` raises only
  ``RedactionError`` subclasses; for every fifth case ``redaction.pipeline.redact_file`` returns a result
  whose exit code is not 15 (OTHER: "unexpected error, please report it") and never raises.
* ``text`` random Unicode mixed with Dutch-looking personal data (names, BSN, IBAN, e-mail, phone,
  postcode, dates) and nasty runs (digits, white space, combining marks, RTL marks, control characters,
  very long lines) -> ``Engine.analyze_text`` never raises, every finding's ``start``/``end`` lies within
  the text and ``text[start:end] == finding.text``; every tenth case also through ``Engine.analyze`` on a
  text document (overlap resolution, rules, deny terms).
* ``zip``  mutated small ZIP files (nested ZIPs, odd member names) -> iterating
  ``redaction.package.unpack.unpack`` raises only ``PackageError``.
* ``eml``  mutated e-mails (MIME structure, encoded words, charsets) -> ``read_email(data, "eml")`` raises
  only ``InputError``.
* ``properties`` the Hypothesis properties of ``tests/test_properties.py`` (any text, BSN with and without
  a valid elfproef, IBAN, e-mail, mobile numbers, damaged PDFs), each run with fresh seeds; Hypothesis
  shrinks a failing input to a smallest example, which the finding shows.

A call that takes longer than ``--timeout`` seconds (default 10) is a finding too (``signal.setitimer``
in the main thread; a hang inside C code that never returns to Python is caught by ``faulthandler``,
which dumps the stacks and ends the run after three times the limit; the input of the running case is
always in ``current.<target>.bin`` of the output folder).

Run (from the repository root)::

    .venv/bin/python benchmarks/fuzz.py --seconds 60 --target all [--seed 1] [--out DIR]

Mutation (the first four targets) is plain seeded random (``random.Random(seed)``): the same seed and case count give the same
inputs. Per target the run prints the cases run and the findings (exception type, where it was raised,
a short repr of the input and the file it was saved to). The exit code is 1 when anything was found.
Minimal reproducers of the findings belong in ``tests/test_fuzz_regressions.py``.
"""

from __future__ import annotations

import argparse
import faulthandler
import io
import os
import random
import signal
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

PDF_CORPUS = REPO.parent / "shared" / "external" / "pdf-corpus"
PASSWORD = "geheim"


class CaseTimeout(BaseException):
    """Raised by the alarm; a BaseException so that product code's ``except Exception`` lets it through."""


def _on_alarm(signum, frame):
    raise CaseTimeout()


@dataclass
class Finding:
    target: str
    kind: str  # exception type name, "timeout" or "contract"
    where: str  # the innermost frame, "file:line function"
    message: str
    saved: Path
    sample: bytes | str

    def key(self) -> tuple[str, str, str]:
        return self.target, self.kind, self.where


@dataclass
class Stats:
    cases: int = 0
    findings: dict = field(default_factory=dict)  # key -> [Finding, count]


class Fuzzer:
    def __init__(self, out: Path, timeout: float, seed: int):
        self.out = out
        self.timeout = timeout
        self.rng = random.Random(seed)
        self.stats: dict[str, Stats] = {}
        signal.signal(signal.SIGALRM, _on_alarm)

    # -- running one case

    def run(self, target: str, data: bytes | str, call, allowed: tuple[type[BaseException], ...]) -> None:
        """``call()`` may raise only ``allowed``; anything else, or a slow call, is a finding."""
        stats = self.stats.setdefault(target, Stats())
        stats.cases += 1
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        (self.out / f"current.{target}.bin").write_bytes(raw)
        faulthandler.dump_traceback_later(self.timeout * 3, exit=True)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            problem = call()
            if problem:
                self._record(target, data, "contract", problem, "")
        except allowed:
            pass
        except CaseTimeout:
            self._record(target, data, "timeout", f"slower than {self.timeout} s", "")
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - every other exception is what we look for
            frames = traceback.extract_tb(exc.__traceback__)
            where = ""
            if frames:
                last = frames[-1]
                where = f"{Path(last.filename).name}:{last.lineno} {last.name}"
            self._record(target, data, type(exc).__name__, f"{str(exc)[:200]}", where)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            faulthandler.cancel_dump_traceback_later()

    def _record(self, target, data, kind, message, where):
        stats = self.stats[target]
        key = (target, kind, where or message[:60])
        if key in stats.findings:
            old = stats.findings[key]
            old[1] += 1
            # keep the smallest input of each distinct finding
            if len(data) >= len(old[0].sample):
                return
            old[0].sample, old[0].message = data, message
            self._save(old[0])
            return
        number = len(stats.findings) + 1
        finding = Finding(target, kind, where, message, self.out / f"{target}-{number}.bin", data)
        self._save(finding)
        stats.findings[key] = [finding, 1]
        print(f"  [{target}] finding {number}: {kind} at {where or '-'}: {message[:160]} "
              f"(input {len(data)} {'chars' if isinstance(data, str) else 'bytes'}: {finding.saved})", flush=True)

    @staticmethod
    def _save(finding: Finding) -> None:
        data = finding.sample
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        finding.saved.write_bytes(raw)

    def mutate(self, data: bytes, tokens: list[bytes]) -> bytes:
        return mutate(self.rng, data, tokens)


def mutate(rng: random.Random, data: bytes, tokens: list[bytes], rounds: int | None = None) -> bytes:
    """``data`` with one to eight random edits: bit flips, overwrites, truncation, chunks duplicated or
    deleted, ``tokens`` inserted, numbers replaced by extreme ones."""
    buf = bytearray(data)
    for _ in range(rounds or rng.choice((1, 1, 2, 3, 5, 8))):
        op = rng.randrange(8)
        n = len(buf)
        if n == 0:
            buf += rng.choice(tokens)
            continue
        pos = rng.randrange(n)
        if op == 0:  # flip bits
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(n)
                buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # random bytes overwrite
            length = rng.randint(1, 16)
            buf[pos:pos + length] = bytes(rng.randrange(256) for _ in range(length))
        elif op == 2:  # truncate
            del buf[rng.randrange(n):]
        elif op == 3:  # duplicate a chunk
            length = rng.randint(1, max(1, min(4096, n // 2)))
            chunk = bytes(buf[pos:pos + length])
            at = rng.randrange(len(buf) + 1)
            buf[at:at] = chunk * rng.choice((1, 1, 2, 10))
        elif op == 4:  # delete a chunk
            del buf[pos:pos + rng.randint(1, max(1, min(4096, n // 4)))]
        elif op in (5, 6):  # insert a token
            token = rng.choice(tokens)
            if rng.random() < 0.3:
                token = b" " + token + b" "
            buf[pos:pos] = token
        else:  # interesting numbers replacing a number
            digits = _number_at(buf, pos)
            if digits is not None:
                start, end = digits
                buf[start:end] = rng.choice((b"0", b"-1", b"999999", b"2147483648", b"4294967295",
                                             b"99999999999999999999", b"1e308", b"-0", b"3.4"))
    return bytes(buf)


def _number_at(buf: bytearray, pos: int) -> tuple[int, int] | None:
    for start in range(pos, min(len(buf), pos + 200)):
        if 48 <= buf[start] <= 57:
            end = start
            while end < len(buf) and 48 <= buf[end] <= 57:
                end += 1
            return start, end
    return None


# --- pdf -----------------------------------------------------------------------------------------------

PDF_TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"startxref", b"/Length 999999",
              b"/Length -1", b"%%EOF", b"<<", b">>", b"[", b"]", b"(", b")", b"/Type /Page", b"/Type /Pages",
              b"/Kids [1 0 R]", b"/Count 99999999", b"/Parent 1 0 R", b"/Filter /FlateDecode", b"/Encrypt 1 0 R",
              b"/Annots [", b"/Rect [0 0 -1 1e9]", b"/MediaBox [0 0 0 0]", b"/Rotate 45", b"0 0 R", b"9999999 0 R",
              b"/Font", b"BT /F1 99999 Tf (x) Tj ET", b"q 1e30 0 0 1e30 0 0 cm", b"/Subtype /Widget",
              b"/ObjStm", b"/Prev 0", b"/Size 0", b"\x00", b"\xff\xfe", b"%PDF-1.7\n"]


def pdf_seeds(folder: Path) -> list[tuple[str, bytes]]:
    from pdfkit import make_pdf

    seeds = []
    specs = [
        ("text", ["Geachte heer Jansen,", "BSN 111222333, IBAN NL91ABNA0417164300", "e-mail p.jansen@example.nl"], {}),
        ("annot", ["Notitie bij het besluit"], {"annotation": "Jan de Vries 06-12345678"}),
        ("field", ["Formulier"], {"field_value": "Piet Klaassen"}),
        ("meta", ["Met bladwijzer"], {"author": "Karin Bakker", "bookmark": "Hoofdstuk Bakker"}),
        ("encrypted", ["Vertrouwelijk: BSN 111222333"], {"password": PASSWORD}),
    ]
    for name, lines, kwargs in specs:
        path = make_pdf(folder / f"seed-{name}.pdf", lines, **kwargs)
        seeds.append((name, path.read_bytes()))
    if PDF_CORPUS.is_dir():
        small = sorted((p for p in PDF_CORPUS.rglob("*.pdf") if p.stat().st_size < 6000), key=lambda p: str(p))
        for path in small[:: max(1, len(small) // 8)][:8]:
            seeds.append((f"corpus:{path.relative_to(PDF_CORPUS)}", path.read_bytes()))
    return seeds


def fuzz_pdf(fz: Fuzzer, seconds: float, work: Path) -> None:
    import pymupdf

    from redaction.analyzer import get_engine
    from redaction.document import open_document
    from redaction.errors import RedactionError
    from redaction.pipeline import redact_file

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    engine = get_engine()
    seeds = pdf_seeds(work)
    print(f"pdf: {len(seeds)} seeds ({', '.join(name for name, _ in seeds)})", flush=True)
    deadline = time.monotonic() + seconds
    case = 0
    while time.monotonic() < deadline:
        case += 1
        name, seed = fz.rng.choice(seeds)
        data = fz.mutate(seed, PDF_TOKENS)
        path = work / "case.pdf"
        path.write_bytes(data)
        password = PASSWORD if name == "encrypted" and fz.rng.random() < 0.5 else None

        def open_it():
            document = open_document(path, password=password)
            text = document.text
            for page_index in range(len(document.pages)):
                document.page_text(page_index)
            document.close()
            if not isinstance(text, str):
                return f"Document.text is {type(text).__name__}"
            return None

        fz.run("pdf", data, open_it, (RedactionError,))
        if case % 5 == 0:
            out = work / "case-out.pdf"

            def redact_it():
                result = redact_file(path, out, password=password, engine=engine)
                if result.exit_code == 15:
                    return f"redact_file exit code 15: {result.error}"
                if result.status == "ok" and not out.exists():
                    return "redact_file status ok without an output file"
                return None

            fz.run("pdf-redact", data, redact_it, ())
            out.unlink(missing_ok=True)


# --- text ----------------------------------------------------------------------------------------------

TEXT_TOKENS = ["Jan Jansen", "mevrouw A.B. de Vries-van der Berg", "Piet", "dhr. K. Bakker", "BSN 111222333",
               "111222333", "123456782", "bsn: 111.222.333", "p.jansen@example.nl", "a@b.c", "@@@.nl",
               "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "NL00ABNA0000000000", "06-12345678",
               "+31 6 12345678", "020-1234567", "0031201234567", "1234 AB", "1234AB Amsterdam", "9999 ZZ",
               "Kerkstraat 12a", "12-03-1980", "geboren op 31 februari 2001", "1 januari 1970", "29-02-2000",
               "AB-12-CD", "12-ABC-3", "Postbus 20011", "2500 EA Den Haag", "de heer", "Geachte", "t.a.v.",
               "\u200f", "\u202e", "\u200b", "\ufeff", "\u0301", "\u0308\u0308\u0308", "\x00", "\x0c", "\r\n",
               "\u2028", "\t", "ﬁ", "Ａ", "İ", "ß", "ǅ", "\U0001F600", "\ud800", "𝟏𝟐𝟑", "١٢٣٤", "ß" * 3,
               "ÉÉN", "van", "de", "der", "'t", "-", ".", ",", ":", "(", ")", "/", "@", "+", "#"]


def random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 40)):
        r = rng.random()
        if r < 0.45:
            parts.append(rng.choice(TEXT_TOKENS))
        elif r < 0.6:
            parts.append(rng.choice(" \n\t\u00a0\u3000") * rng.randint(1, 3))
        elif r < 0.7:
            parts.append("".join(rng.choice("0123456789 .-") for _ in range(rng.randint(1, 60))))
        elif r < 0.8:
            parts.append("".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randint(1, 20))))
        elif r < 0.85:
            parts.append("".join(chr(rng.choice((rng.randrange(0x300, 0x370), rng.randrange(0, 0x20),
                                                 rng.randrange(0x200b, 0x2070), rng.randrange(0xd800, 0xe000),
                                                 rng.randrange(0x10000, 0x110000))))
                                 for _ in range(rng.randint(1, 30))))
        elif r < 0.9:
            token = rng.choice(TEXT_TOKENS)
            parts.append(token * rng.randint(2, 200))
        elif r < 0.93:
            parts.append(rng.choice("0 \n.aA-") * rng.randint(1000, 20000))
        else:
            token = rng.choice(TEXT_TOKENS)
            # a token with a mark, a control or a different case mixed in
            i = rng.randrange(len(token) + 1)
            parts.append(token[:i] + rng.choice(["\u0301", "\x00", "\u200b", "\n", " ", "-"]) + token[i:])
        if rng.random() < 0.5:
            parts.append(rng.choice((" ", "\n", "", ", ", ". ")))
    return "".join(parts)


def check_findings(text: str, findings) -> str | None:
    for f in findings:
        if not (0 <= f.start <= f.end <= len(text)):
            return f"{f.entity} offsets {f.start}:{f.end} outside text of length {len(text)}"
        if f.start == f.end:
            return f"{f.entity} empty span at {f.start}"
        if text[f.start:f.end] != f.text:
            return f"{f.entity} text {f.text!r} != text[{f.start}:{f.end}] {text[f.start:f.end]!r}"
    return None


def fuzz_text(fz: Fuzzer, seconds: float, work: Path) -> None:
    from redaction.analyzer import get_engine
    from redaction.document import Document

    engine = get_engine()
    deadline = time.monotonic() + seconds
    case = 0
    while time.monotonic() < deadline:
        case += 1
        text = random_text(fz.rng)
        fz.run("text", text, lambda: check_findings(text, engine.analyze_text(text)), ())
        if case % 10 == 0:
            fz.run("text-analyze", text,
                   lambda: check_findings(text, engine.analyze(Document(path=None, text=text))), ())


# --- zip -----------------------------------------------------------------------------------------------

ZIP_TOKENS = [b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07", b"PK\x07\x08",
              b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\xff\xff", b"%PDF-1.7", b"../", b"/", b"\\", b"\x00",
              b"\x08\x00", b"\x0e\x00", b"\x63\x00", b"\x01\x00"]


def zip_bytes(members: list[tuple[str, bytes]], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", compression) as archive:
        warnings.simplefilter("ignore")  # duplicate names are meant
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name) if name.endswith("/") else name, data)
    return buf.getvalue()


def zip_seeds() -> list[bytes]:
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    inner = zip_bytes([("binnen/brief.txt", b"Beste Jan,\nBSN 111222333\n"), ("scan.pdf", pdf)])
    innermost = zip_bytes([("diep.zip", zip_bytes([("diepst.zip", zip_bytes([("x.txt", b"x")]))]))])
    return [
        zip_bytes([("brief.txt", b"Hallo Piet\n"), ("map/", b""), ("map/besluit.pdf", pdf)]),
        zip_bytes([("a.txt", b"a" * 5000), ("nested.zip", inner)], zipfile.ZIP_STORED),
        zip_bytes([("../../etc/passwd.txt", b"root"), ("/abs.txt", b"abs"), ("C:\\win\\x.txt", b"w"),
                   ("dup.txt", b"1"), ("dup.txt", b"2"), ("DUP.txt", b"3"), ("r\u202etxt.exe", b"rtl"),
                   ("ctrl\x01\x7f.txt", b"c"), ("con.txt", b"c"), ("map/", b"data in folder"),
                   ("naïve é.txt", "naïve".encode()), (".DS_Store", b"\x00\x00"), ("__MACOSX/._a.txt", b"x")]),
        zip_bytes([("deep.zip", innermost), ("word.docx", zip_bytes([("[Content_Types].xml", b"<x/>"),
                                                                    ("word/document.xml", b"<w/>")])),
                   ("mail.eml", b"From: a@b.nl\r\nSubject: x\r\n\r\nbody\r\n"), ("leeg.txt", b"")]),
        zip_bytes([("bin.txt", bytes(range(256)) * 4), ("cp.txt", "Café".encode("cp1252"))]),
    ]


def fuzz_zip(fz: Fuzzer, seconds: float, work: Path) -> None:
    from redaction.package.unpack import PackageError, unpack

    seeds = zip_seeds()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seed = fz.rng.choice(seeds)
        data = fz.mutate(seed, ZIP_TOKENS)
        if fz.rng.random() < 0.2:  # a mutated ZIP inside a good one
            data = zip_bytes([("ok.txt", b"ok"), ("inner.zip", data)], fz.rng.choice((zipfile.ZIP_STORED,
                                                                                     zipfile.ZIP_DEFLATED)))
        path = work / "case.zip"
        path.write_bytes(data)

        def unpack_it():
            for entry in unpack(path):
                if entry.kind in ("pdf", "text") and (entry.content is None or len(entry.content) != entry.size):
                    return f"entry {entry.path!r} of kind {entry.kind} has size {entry.size} but content " \
                           f"{None if entry.content is None else len(entry.content)}"
            return None

        fz.run("zip", data, unpack_it, (PackageError,))


# --- eml -----------------------------------------------------------------------------------------------

EML_TOKENS = [b"\r\n", b"\n\n", b"--", b"boundary=", b'boundary=""', b"Content-Type: multipart/mixed; boundary=x\r\n",
              b"Content-Type: message/rfc822\r\n", b"Content-Type: text/html; charset=\"x-unknown\"\r\n",
              b"Content-Transfer-Encoding: base64\r\n", b"Content-Transfer-Encoding: quoted-printable\r\n",
              b"Content-Transfer-Encoding: x-uuencode\r\n", b"=?utf-8?b?", b"=?iso-8859-1?q?", b"?=", b"=?",
              b"=?utf-8*nl?Q?", b"=\r\n", b"=XY", b"charset=utf-7", b"charset=", b"filename*=utf-8''%FF%FE",
              b"Content-Disposition: attachment; filename=\"a.pdf\"\r\n", b"Date: 31 Feb 99999 25:61:61 +9999\r\n",
              b"From: \"\\\" <@>\r\n", b"To: ;:,<<>>\r\n", b"(", b")", b"<", b">", b"\"", b"\\", b":", b";",
              b"\x00", b"\xff", b"\xc3", b"\t", b" " * 100, b"<html><script>", b"&#xFFFFFFFF;", b"&#0;", b"<![CDATA["]


def eml_seeds() -> list[bytes]:
    simple = (b"From: Jan Jansen <jan@example.nl>\r\nTo: piet@example.nl, \"De Vries, K.\" <k@example.nl>\r\n"
              b"Cc: a@b.nl\r\nSubject: =?utf-8?q?Besluit_Woo-verzoek_=E2=82=AC?=\r\n"
              b"Date: Mon, 3 Mar 2025 10:15:00 +0100\r\nMessage-ID: <1@example.nl>\r\n\r\n"
              b"Beste Piet,\r\n\r\nMijn BSN is 111222333.\r\n\r\nJan\r\n")
    multipart = (b"From: =?iso-8859-1?b?Sm9zw6k=?= <j@example.nl>\r\nTo: x@example.nl\r\nSubject: bijlage\r\n"
                 b"Date: Tue, 4 Mar 2025 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                 b"Content-Type: multipart/mixed; boundary=\"AAA\"\r\n\r\npreamble\r\n--AAA\r\n"
                 b"Content-Type: multipart/alternative; boundary=\"BBB\"\r\n\r\n--BBB\r\n"
                 b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                 b"Hallo =C3=A9=\r\nn regel\r\n--BBB\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                 b"<html><body><p>Hallo <b>Jan</b></p><style>x{}</style></body></html>\r\n--BBB--\r\n"
                 b"--AAA\r\nContent-Type: application/pdf; name=\"besluit.pdf\"\r\n"
                 b"Content-Disposition: attachment; filename*=utf-8''bes%C3%A9luit.pdf\r\n"
                 b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJSVFT0YK\r\n--AAA\r\n"
                 b"Content-Type: message/rfc822\r\n\r\nFrom: inner@example.nl\r\nSubject: doorgestuurd\r\n\r\n"
                 b"innerlijk\r\n--AAA--\r\nepilogue\r\n")
    html_only = (b"From: a@example.nl\r\nSubject: html\r\nContent-Type: text/html; charset=windows-1252\r\n"
                 b"Content-Transfer-Encoding: base64\r\n\r\n"
                 b"PGh0bWw+PGJvZHk+Q2Fm6TxiciAvPk5MOTFBQk5BMDQxNzE2NDMwMDwvYm9keT48L2h0bWw+\r\n")
    odd = (b"Received: from x by y; Mon, 3 Mar 2025\r\nFrom: \r\nTo: undisclosed-recipients:;\r\n"
           b"Subject: =?utf-8?b?invalid base64?=\r\nDate: gisteren\r\n"
           b"Content-Type: text/plain; charset=\"no-such-charset\"\r\n\r\n\xe9\xe8 body\r\n")
    return [simple, multipart, html_only, odd]


def fuzz_eml(fz: Fuzzer, seconds: float, work: Path) -> None:
    from redaction.convert.email import email_to_pdf, read_email
    from redaction.errors import InputError

    seeds = eml_seeds()
    deadline = time.monotonic() + seconds
    case = 0
    while time.monotonic() < deadline:
        case += 1
        data = fz.mutate(fz.rng.choice(seeds), EML_TOKENS)
        fz.run("eml", data, lambda: read_email(data, "eml") and None, (InputError,))
        if case % 10 == 0:  # and printed: the printed e-mail is what open_document gives for an .eml file
            def print_it():
                try:
                    message = read_email(data, "eml")
                except InputError:
                    return None
                email_to_pdf(message)
                return None

            fz.run("eml-print", data, print_it, ())


# --- properties --------------------------------------------------------------------------------------------

def fuzz_properties(fz: Fuzzer, seconds: float, work: Path) -> None:
    """The Hypothesis properties of ``tests/test_properties.py`` (recognizers, PDF intake), each run again
    and again with a fresh seed and the ``fuzz`` profile until the time is up. A failure is recorded with
    Hypothesis's shrunk falsifying example; the case's input file names the property and the seed, which
    reproduce it (``hypothesis.seed``)."""
    os.environ["WOO_REDACT_HYPOTHESIS_PROFILE"] = "fuzz"
    import test_properties
    from hypothesis import seed as with_seed

    tests = [(name, getattr(test_properties, name)) for name in sorted(dir(test_properties))
             if name.startswith("test_")]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, test in tests:
            if time.monotonic() >= deadline:
                break
            number = fz.rng.getrandbits(32)

            def call(test=test, number=number):
                try:
                    with_seed(number)(test)()
                except Exception as exc:  # a property failed: report Hypothesis's smallest example
                    notes = " ".join(getattr(exc, "__notes__", []))
                    return f"{type(exc).__name__}: {str(exc)[:160]} {notes[:400]}"
                return None

            fz.run("properties", f"{name} seed={number}", call, ())


TARGETS = {"pdf": fuzz_pdf, "text": fuzz_text, "zip": fuzz_zip, "eml": fuzz_eml, "properties": fuzz_properties}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="fuzzing time per target (default 60)")
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10, help="seconds one call may take (default 10)")
    parser.add_argument("--out", type=Path, help="folder for the findings (default: a new temporary folder)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="woo-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    fuzzer = Fuzzer(out, args.timeout, args.seed)
    print(f"findings are saved under {out}", flush=True)
    targets = list(TARGETS) if args.target == "all" else [args.target]
    for name in targets:
        print(f"== {name}: {args.seconds:g} s", flush=True)
        with tempfile.TemporaryDirectory(prefix=f"woo-fuzz-{name}-") as work:
            TARGETS[name](fuzzer, args.seconds, Path(work))
    found = 0
    print("\nsummary")
    for target, stats in fuzzer.stats.items():
        print(f"  {target}: {stats.cases} cases, {len(stats.findings)} distinct finding(s)")
        for finding, count in stats.findings.values():
            found += 1
            sample = finding.sample
            shown = repr(sample[:120]) + ("..." if len(sample) > 120 else "")
            print(f"    - {finding.kind} at {finding.where or '-'} (x{count}): {finding.message[:200]}\n"
                  f"      input ({len(sample)}): {shown}\n      saved: {finding.saved}")
    for leftover in out.glob("current.*.bin"):
        leftover.unlink()
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
