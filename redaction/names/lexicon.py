"""Name lists and word lists, loaded lazily once per process.

Sources (nothing is fetched at run time):

* deduce's plain data files (first names, surnames, interfix surnames, places, common words), found
  through ``importlib.util.find_spec`` without importing deduce itself (that would load its whole
  pipeline);
* Faker's person providers for many locales (Latin-script names only);
* the hand-made lists in ``rules/names_*.txt`` and ``rules/names_context.yaml`` and
  ``rules/public_officials.yaml``, which an organisation can edit;
* a Dutch vocabulary: the words of pyspellchecker's Dutch frequency list (``resources/nl.json.gz``, MIT,
  counted in subtitles) seen at least ``DUTCH_WORD_MIN_COUNT`` times, known first names left out. The file
  is found through ``importlib.util.find_spec`` and read directly (the spellchecker itself is not loaded).
  Words with the list's floor count (50) are not used: that band is a filled-in dictionary that also
  holds many surnames (Jansen, Dekker, Meijer), and subtitles name people too, hence the threshold.

Everything is kept as lowercase ``frozenset``s of strings (a few MB).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import importlib.util
import os
import re
import pickle
import pkgutil
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..rules import rules_dir


# Faker locales whose person names are written in Latin script and occur in Dutch documents.
FAKER_LOCALES = (
    "nl_NL", "nl_BE", "fr_BE", "de_DE", "de_AT", "de_CH", "en_US", "en_GB", "en_IE", "en_IN", "en_PK", "en_NG",
    "en_KE", "fr_FR", "fr_DZ", "es_ES", "es_MX", "es_AR", "es_CO", "pt_PT", "pt_BR", "it_IT", "tr_TR", "az_AZ",
    "pl_PL", "cs_CZ", "sk_SK", "hu_HU", "ro_RO", "hr_HR", "sl_SI", "lt_LT", "lv_LV", "et_EE", "fi_FI", "sv_SE",
    "no_NO", "da_DK", "is_IS", "ga_IE", "id_ID", "tw_GH", "yo_NG", "ha_NG", "ig_NG", "sw", "zu_ZA", "vi_VN",
    "uz_UZ", "fil_PH", "en_PH", "en_NZ", "fr_CA", "es_CL",
)

# a word must be seen this often in pyspellchecker's Dutch list to count as an ordinary Dutch word
DUTCH_WORD_MIN_COUNT = 100
# "word": count, for counts with at least as many digits as the threshold (the rest are not even matched)
_FREQ_ENTRY = re.compile(r'"([^"\\\s\'’-]+)":\s*([1-9]\d{%d,})\b' % (len(str(DUTCH_WORD_MIN_COUNT)) - 1))

_PERSON_ATTRS = (
    "first_names", "first_names_male", "first_names_female", "first_names_nonbinary", "first_names_unisex",
    "last_names", "last_names_male", "last_names_female", "last_names_nonbinary",
)


def _is_latin(word: str) -> bool:
    for ch in word:
        if ch.isalpha():
            try:
                if "LATIN" not in unicodedata.name(ch):
                    return False
            except ValueError:
                return False
    return True


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _deduce_dir() -> Path | None:
    try:
        spec = importlib.util.find_spec("deduce")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "lookup" / "src"
    return path if path.is_dir() else None


def _spellchecker_nl() -> Path | None:
    try:
        spec = importlib.util.find_spec("spellchecker")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "nl.json.gz"
    return path if path.is_file() else None


def _dutch_vocabulary() -> set[str]:
    """Lower-case single words of pyspellchecker's Dutch list seen at least DUTCH_WORD_MIN_COUNT times.

    A regular expression over the raw JSON picks only those entries, which is faster and smaller than
    decoding all 340k entries."""
    path = _spellchecker_nl()
    if path is None:
        return set()
    try:
        with gzip.open(path, "rb") as fh:
            raw = fh.read().decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError):
        return set()
    return {w for w, count in _FREQ_ENTRY.findall(raw)
            if int(count) >= DUTCH_WORD_MIN_COUNT and w.isalpha() and w.islower()}


def _faker_names(interfixes: frozenset[str]) -> tuple[set[str], set[str]]:
    first: set[str] = set()
    last: set[str] = set()
    try:
        import faker.providers.person as person_pkg  # noqa: PLC0415 (lazy, optional)
        import faker.providers.person as faker_base  # noqa: PLC0415
    except ImportError:
        return first, last
    available = {m.name for m in pkgutil.iter_modules(person_pkg.__path__)}
    for loc in FAKER_LOCALES:
        if loc not in available:
            continue
        try:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except Exception:  # noqa: BLE001 - a broken locale must not stop the others
            continue
        attrs = {}
        for klass in reversed(provider.__mro__):
            for attr, values in vars(klass).items():
                if ("first_name" in attr or "last_name" in attr) and \
                        isinstance(values, (list, tuple, dict, set, frozenset)) and values:
                    attrs[attr] = values
        if loc != "en_US":  # the base provider's placeholder names ("John Doe") are not useful
            for attr in ("first_names", "last_names"):
                if attrs.get(attr) is vars(faker_base.Provider).get(attr):
                    attrs.pop(attr, None)
        for attr, values in attrs.items():
            target = first if "first_name" in attr else last
            for name in values:
                if not isinstance(name, str) or not _is_latin(name):
                    continue
                for part in name.replace("-", " ").split():
                    if part.lower() in interfixes or len(part) < 2 or not part[0].isupper():
                        continue
                    target.add(part.lower())
    return first, last


@dataclass
class Lexicon:
    first_names: frozenset[str]
    surnames: frozenset[str]
    interfixes: frozenset[str]          # single-word tussenvoegsels, lowercase
    titles: frozenset[str]
    honorifics: tuple[tuple[str, ...], ...]  # word sequences, lowercase
    common_words: frozenset[str]        # Dutch words: a name that is also one is ambiguous
    not_names: frozenset[str]           # never a name
    org_words: frozenset[str]
    job_titles: frozenset[str]
    places: frozenset[str]              # residences, municipalities, provinces, regions (lowercase)
    dutch_words: frozenset[str] = frozenset()  # ordinary Dutch vocabulary (no first names), see above
    context: dict = field(default_factory=dict)
    officials: dict = field(default_factory=dict)
    load_seconds: float = 0.0

    def is_first(self, word: str) -> bool:
        return word.lower() in self.first_names

    def is_surname(self, word: str) -> bool:
        return word.lower() in self.surnames


_LOCK = threading.Lock()
_LEXICON: Lexicon | None = None


def _read_package_sources() -> dict[str, frozenset[str]]:
    """The lists that come from installed packages, before the organisation's rules are applied."""
    deduce_first: set[str] = set()
    deduce_surnames: set[str] = set()
    common: set[str] = set()
    places: set[str] = set()
    ddir = _deduce_dir()
    if ddir is not None:
        first_exc = {w.lower() for w in _read_lines(ddir / "names/lst_first_name/exceptions.txt")}
        for w in _read_lines(ddir / "names/lst_first_name/items.txt"):
            for part in w.split():
                if part.lower() not in first_exc:
                    deduce_first.add(part.lower())
        for sub in ("lst_surname", "lst_interfix_surname"):
            exc = {w.lower() for w in _read_lines(ddir / f"names/{sub}/exceptions.txt")}
            for w in _read_lines(ddir / f"names/{sub}/items.txt"):
                for part in w.split():
                    lw = part.lower()
                    if lw not in exc and len(lw) > 1:
                        deduce_surnames.add(lw)
        for sub in ("lst_stop_word", "lst_common_word", "lst_medical_term"):
            common.update(w.lower() for w in _read_lines(ddir / f"whitelist/{sub}/items.txt"))
        for sub in ("lst_residence", "lst_municipality", "lst_province", "lst_region"):
            places.update(w.lower() for w in _read_lines(ddir / f"locations/lst_placename/{sub}/items.txt"))
    faker_first, faker_last = _faker_names(frozenset())
    return {
        "deduce_first": frozenset(deduce_first), "deduce_surnames": frozenset(deduce_surnames),
        "common": frozenset(common), "places": frozenset(places),
        "faker_first": frozenset(faker_first), "faker_last": frozenset(faker_last),
        "dutch_words": frozenset(_dutch_vocabulary()),
    }


def _cache_key() -> str:
    """Changes whenever a source package or the way its lists are read changes."""
    from importlib import metadata  # noqa: PLC0415

    versions = []
    for dist in ("faker", "deduce", "pyspellchecker"):
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}=-")
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    return hashlib.sha256(("|".join(versions) + digest).encode()).hexdigest()[:16]


def _cache_dir() -> Path:
    if os.environ.get("WOO_REDACT_CACHE"):
        return Path(os.environ["WOO_REDACT_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "woo-redact"


def _package_sources() -> dict[str, frozenset[str]]:
    """The package lists, from a local cache when one was written by an earlier run.

    Reading Faker's fifty locale modules and the word counts takes most of a second; the cache (a pickle
    of plain string sets, keyed by package versions and this file) takes a few hundredths. A cache that
    cannot be read or written is simply not used."""
    path = _cache_dir() / f"lexicon-{_cache_key()}.pickle"
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
        if isinstance(data, dict) and all(isinstance(v, frozenset) for v in data.values()):
            return data
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    data = _read_package_sources()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return data


def get_lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first use."""
    global _LEXICON
    if _LEXICON is None:
        with _LOCK:
            if _LEXICON is None:
                _LEXICON = _load()
    return _LEXICON


def _load() -> Lexicon:
    t0 = time.perf_counter()
    rules = rules_dir()
    interfix_list = [w.lower() for w in _read_lines(rules / "names_tussenvoegsels.txt")]
    interfixes = frozenset(w for w in interfix_list if " " not in w)
    not_names = frozenset(w.lower() for w in _read_lines(rules / "names_not_names.txt"))
    org_words = frozenset(w.lower() for w in _read_lines(rules / "names_org_words.txt"))
    job_titles = frozenset(w.lower() for w in _read_lines(rules / "names_job_titles.txt"))
    titles = frozenset(w.lower().rstrip(".") for w in _read_lines(rules / "names_titles.txt"))
    honorifics = tuple(
        tuple(w.lower().split()) for w in _read_lines(rules / "names_honorifics.txt")
    )
    try:
        context = yaml.safe_load((rules / "names_context.yaml").read_text(encoding="utf-8")) or {}
    except OSError:
        context = {}
    try:
        officials = yaml.safe_load((rules / "public_officials.yaml").read_text(encoding="utf-8")) or {}
    except OSError:
        officials = {}

    sources = _package_sources()
    first = {w for w in sources["deduce_first"]}
    sur = {w for w in sources["deduce_surnames"] if w not in interfixes}
    common = set(sources["common"])
    places = set(sources["places"])
    first |= {w for w in sources["faker_first"] if w not in interfixes}
    sur |= {w for w in sources["faker_last"] if w not in interfixes}
    # Polish/Czech/Slovak surnames have a feminine form (Kowalski -> Kowalska)
    for w in list(sur):
        if w.endswith(("ski", "cki", "dzki")):
            sur.add(w[:-1] + "a")
        elif w.endswith("ý") and len(w) > 3:
            sur.add(w[:-1] + "á")
    for extra in _read_lines(rules / "names_first_extra.txt"):
        first.add(extra.lower())
    for extra in _read_lines(rules / "names_surname_extra.txt"):
        sur.add(extra.lower())
    # words that are never a name leave the name lists entirely
    drop = not_names | org_words
    first -= drop | (interfixes - {"ben", "bin", "abu", "ou"})
    sur -= drop | interfixes
    dutch_words = set(sources["dutch_words"]) - first  # a first name is judged by the name rules, not as a word
    lex = Lexicon(
        first_names=frozenset(first),
        surnames=frozenset(sur),
        interfixes=interfixes,
        titles=titles,
        honorifics=honorifics,
        common_words=frozenset(common),
        not_names=not_names,
        org_words=org_words,
        job_titles=job_titles,
        places=frozenset(places),
        dutch_words=frozenset(dutch_words),
        context=context,
        officials=officials,
    )
    lex.load_seconds = time.perf_counter() - t0
    return lex
