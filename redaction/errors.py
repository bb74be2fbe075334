"""Errors a user can cause, each with the exit code the CLI returns for it and a sentence saying what to do.

Exit codes (stable; scripts may rely on them):

====  ======================  =========================================================
code  name                    meaning
====  ======================  =========================================================
0     OK                      every input was processed
1     BAD_ARGS                the command line is wrong
2     INPUT_FILE              an input is missing, empty, damaged, has no pages or is no PDF/text
3     MISSING_DEPENDENCY      a program or package the project needs is not installed
4     VERIFICATION_FAILED     a release PDF still held redacted text; no release file was left
5     FILE_ACCESS             an output could not be written
8     ENCRYPTED               an input is encrypted and no (right) password was given
15    OTHER                   anything else (a bug: please report it with the input)
130   INTERRUPTED             stopped with Ctrl-C
====  ======================  =========================================================

With several inputs, the exit code is that of the first input that failed; the report lists each.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    BAD_ARGS = 1
    INPUT_FILE = 2
    MISSING_DEPENDENCY = 3
    VERIFICATION_FAILED = 4
    FILE_ACCESS = 5
    ENCRYPTED = 8
    OTHER = 15
    INTERRUPTED = 130


class RedactionError(Exception):
    """Base class: ``str(error)`` is one sentence for the user; ``exit_code`` what the CLI returns."""

    exit_code = ExitCode.OTHER


class BadArguments(RedactionError):
    exit_code = ExitCode.BAD_ARGS


class InputError(RedactionError):
    exit_code = ExitCode.INPUT_FILE


class DamagedInput(InputError):
    """MuPDF cannot read or rewrite part of the PDF (a broken page tree, a page that fails to load)."""


class EncryptedInput(RedactionError):
    exit_code = ExitCode.ENCRYPTED


class VerificationFailed(RedactionError):
    exit_code = ExitCode.VERIFICATION_FAILED


class OutputError(RedactionError):
    exit_code = ExitCode.FILE_ACCESS


class MissingDependency(RedactionError):
    exit_code = ExitCode.MISSING_DEPENDENCY


def short_reason(exc: Exception) -> str:
    """The first line of a library's error message, short enough to quote in a one-sentence error."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:120]
