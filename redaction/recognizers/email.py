"""Recognizer for e-mail addresses, personal ones and organisation mailboxes."""

from __future__ import annotations

from functools import lru_cache
from typing import List, Optional

import regex
import tldextract
import yaml
from presidio_analyzer import Pattern, RecognizerResult

from ._dutch import DutchPatternRecognizer, Verdict
from ..rules import rules_dir


# Providers whose addresses always belong to a private person, whatever the local part says.
CONSUMER_DOMAINS = frozenset(
    """gmail.com googlemail.com hotmail.com hotmail.nl outlook.com outlook.nl live.nl live.com
    icloud.com me.com yahoo.com yahoo.nl ziggo.nl kpnmail.nl kpnplanet.nl planet.nl home.nl
    xs4all.nl hetnet.nl casema.nl chello.nl upcmail.nl telfort.nl tele2.nl online.nl quicknet.nl
    zeelandnet.nl solcon.nl proton.me protonmail.com msn.com aol.com gmx.com gmx.net mail.com""".split()
)


@lru_cache(maxsize=1)
def _suffixes() -> tldextract.TLDExtract:
    # Only the public suffix list snapshot bundled with tldextract: no download, no disk cache.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


@lru_cache(maxsize=1)
def _function_words() -> tuple[frozenset, tuple]:
    data = yaml.safe_load((rules_dir() / "email_function_mailboxes.yaml").read_text(encoding="utf-8"))
    words = [str(w).lower() for w in data["function_words"]]
    exact = frozenset(w for w in words if not w.endswith("*"))
    prefixes = tuple(w[:-1] for w in words if w.endswith("*"))
    return exact, prefixes


def has_valid_suffix(address: str) -> bool:
    """True when the domain of ``address`` ends in a known public suffix (``nl``, ``co.uk``)."""
    domain = address.rsplit("@", 1)[-1]
    return bool(domain) and bool(_suffixes()(domain).suffix)


def is_function_mailbox(address: str) -> bool:
    """True for an organisation mailbox (``info@``, ``woo-verzoeken@``, ``team.x@``).

    An address at a consumer provider (gmail, hotmail, ziggo, ...) is never one.
    """
    local, _, domain = address.lower().rpartition("@")
    if domain in CONSUMER_DOMAINS:
        return False
    exact, prefixes = _function_words()
    tokens = [t for t in regex.split(r"[._+\-\d]+", local) if t]
    whole = regex.sub(r"[^a-z]", "", local)
    if whole in exact or whole.startswith(prefixes):
        return True
    # The first word decides: "secretariaat.dgo@" is a mailbox, "jan.team@" and "een-afdeling@" are not.
    return bool(tokens) and (tokens[0] in exact or tokens[0].startswith(prefixes))


class NlEmailRecognizer(DutchPatternRecognizer):
    """Recognizes e-mail addresses in Dutch documents.

    E-mail addresses of private persons and civil servants are personal data (AVG art. 4)
    and are redacted under art. 5.1 lid 2 sub e Woo. Organisation mailboxes (``info@``,
    ``woo@``, ``secretariaat@``, team and function addresses) are public contact points:
    they are returned with ``recognition_metadata["keep_reason"]`` so they stay visible.

    Format: ``local-part@domain.suffix`` (RFC 5322, simplified). In extracted PDF text an
    address may be broken over a line end after ``.``, ``@`` or ``-``
    (``inge.schimmelpenninck@\\nminienw.nl``); the result then spans the line break.
    The suffix must be on the public suffix list (the snapshot bundled with tldextract;
    nothing is downloaded). Fictitious example: ``jan.jansen@voorbeeld.nl``.
    """

    _ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
    _LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    PATTERNS = [
        Pattern(
            "e-mailadres",
            rf"(?<![\w.@-]){_ATOM}(?:(?:\.\n?|(?<=-)\n){_ATOM})*@\n?"
            rf"{_LABEL}(?:(?:\.\n?|-\n){_LABEL})*\.(?:[A-Za-z]{{2,24}}|xn--[A-Za-z0-9-]{{1,59}})(?![\w@-])",
            0.5,
        ),
    ]

    CONTEXT = ["e-mail", "email", "mail", "e-mailadres", "mailadres", "mailen", "van", "aan", "cc"]

    ENTITY = "EMAIL"
    REGEX_FLAGS = regex.DOTALL | regex.MULTILINE

    def judge(self, text: str, result: RecognizerResult, accepted: List[RecognizerResult]) -> Optional[Verdict]:
        """Trim a line break that was not part of the address, then tell a person's from a mailbox."""
        end = self._trimmed_end(text, result.start, result.end)
        if end is None:
            return None
        result.end = end
        if is_function_mailbox(text[result.start : end].replace("\n", "")):
            return Verdict(0.9, "e-mailadres van een functionele mailbox van een organisatie",
                           keep_reason="functionele mailbox van een organisatie")
        return Verdict(1.0, "persoonlijk e-mailadres")

    @staticmethod
    def _trimmed_end(text: str, start: int, end: int) -> Optional[int]:
        """The end of the longest valid address from ``start``, cutting at line breaks.

        ``naar info@cjib.nl.\\nGebruik`` first matches up to ``Gebruik``; that suffix is not
        on the list, so the part before the line break is tried next.
        """
        while True:
            candidate = text[start:end].replace("\n", "")
            if "@" in candidate and has_valid_suffix(candidate):
                return end
            cut = text.rfind("\n", start, end)
            if cut < 0:
                return None
            end = cut
            while end > start and text[end - 1] in ".-":
                end -= 1
