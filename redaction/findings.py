"""Findings: what detection proposes, as plain data that the CLI and the service can store."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import Enum


class DecisionKind(str, Enum):
    """What happens to a finding before release.

    ``redact`` is applied without asking, ``suggest`` waits for a reviewer (the batch policy accepts it),
    ``keep`` stays visible and carries the reason why (for example a minister acting in office).
    """

    REDACT = "redact"
    SUGGEST = "suggest"
    KEEP = "keep"


Rect = tuple[float, float, float, float]


# The recognizer of a finding that redacts a place, not a text: an area a reviewer drew. Its text (what
# happened to lie under the box) is not looked for elsewhere when a release is verified.
AREA = "area"


@dataclass
class Finding:
    """One span of personal data (or a deliberate keep) in a document.

    ``start``/``end`` are offsets in the document's text (see ``redaction.document``); ``page`` is the
    0-based page index and ``rects`` the boxes on that page (one per line the span covers).
    """

    entity: str
    text: str
    start: int
    end: int
    score: float
    recognizer: str
    reason: str = ""
    ground: str | None = None
    decision: DecisionKind = DecisionKind.SUGGEST
    page: int | None = None
    rects: list[Rect] = field(default_factory=list)
    extra_pages: list[tuple[int, list[Rect]]] = field(default_factory=list)

    @property
    def id(self) -> str:
        """A stable id: the same span of the same entity keeps its id across runs."""
        key = f"{self.entity}|{self.start}|{self.end}|{self.text}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict:
        data = asdict(self)
        data["id"] = self.id
        data["decision"] = self.decision.value
        data["rects"] = [list(r) for r in self.rects] if self.page is not None else None
        data.pop("extra_pages")
        if self.extra_pages:
            data["more_pages"] = [{"page": p, "rects": [list(r) for r in rs]} for p, rs in self.extra_pages]
        return data
