"""The organisation's rules: data in the ``rules/`` folder, not code.

``grounds.yaml`` maps every entity to its Woo ground and to the engine's default decision, and sets how
ground codes are written. ``allow.txt`` lists texts that are never redacted, ``deny.txt`` texts that are
always redacted (one per line, ``#`` starts a comment). The folder is found next to the package, or at
``$WOO_REDACT_RULES``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import BadArguments
from .findings import DecisionKind

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

# A canonical code: article 5.1, paragraph 2, letter e -> "5.1.2e".
_CODE = re.compile(r"^(?P<article>\d+\.\d+)\.(?P<paragraph>\d+)\.?(?P<letter>[a-z])$")


def rules_dir() -> Path:
    return Path(os.environ.get("WOO_REDACT_RULES") or DEFAULT_RULES_DIR)


@dataclass(frozen=True)
class EntityRule:
    ground: str
    decision: DecisionKind


@dataclass
class Rules:
    entities: dict[str, EntityRule]
    grounds: dict[str, str]
    notation: str = "{article}.{paragraph}{letter}"
    allow: frozenset[str] = field(default_factory=frozenset)
    deny: tuple[str, ...] = ()

    def rule_for(self, entity: str) -> EntityRule:
        return self.entities.get(entity) or self.entities.get("TERM") or EntityRule("5.1.2e", DecisionKind.SUGGEST)

    def format_ground(self, code: str) -> str:
        """Write a canonical code such as ``5.1.2e`` in the organisation's notation."""
        match = _CODE.match(code)
        if not match:
            return code
        return self.notation.format(
            article=match.group("article"), paragraph=match.group("paragraph"), letter=match.group("letter")
        )

    def check_ground(self, code: str) -> str:
        if code not in self.grounds:
            known = ", ".join(sorted(self.grounds))
            raise BadArguments(f"unknown Woo ground {code!r}; use one of: {known}.")
        return code


def _read_list(path: Path) -> list[str]:
    if not path.exists():
        return []
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            items.append(line)
    return items


@lru_cache(maxsize=4)
def load_rules(directory: str | None = None) -> Rules:
    base = Path(directory) if directory else rules_dir()
    path = base / "grounds.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadArguments(f"rules folder {base} has no grounds.yaml; set WOO_REDACT_RULES to the rules folder.") from exc
    except yaml.YAMLError as exc:
        raise BadArguments(f"{path} is not valid YAML ({exc}); fix the file.") from exc
    entities = {}
    for name, spec in (data.get("entities") or {}).items():
        try:
            entities[name] = EntityRule(str(spec["ground"]), DecisionKind(spec.get("decision", "suggest")))
        except (KeyError, ValueError, TypeError) as exc:
            raise BadArguments(f"{path}: entity {name} needs a ground and a decision of redact, suggest or keep.") from exc
    grounds = {str(k): str(v) for k, v in (data.get("grounds") or {}).items()}
    return Rules(
        entities=entities,
        grounds=grounds,
        notation=str(data.get("notation") or "{article}.{paragraph}{letter}"),
        allow=frozenset(s.casefold() for s in _read_list(base / "allow.txt")),
        deny=tuple(_read_list(base / "deny.txt")),
    )
