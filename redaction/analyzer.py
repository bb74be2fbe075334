"""Detection: Presidio's AnalyzerEngine for Dutch, with our recognizers, followed by small named steps.

The engine is built once per process (``get_engine``). ``Engine.analyze(document)`` returns findings with
their ground, decision and rectangles; the steps after Presidio live in ``redaction.steps``.
"""

from __future__ import annotations

import gc
import logging
import threading

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NoOpNlpEngine

from .document import Document, locate
from .findings import DecisionKind, Finding
from .recognizers import build_recognizers
from .rules import Rules, load_rules
from .steps import (SearchIndex, apply_rules, find_terms, pair_address_lines, resolve_overlaps, split_titles,
                    sweep_repeats)

LANGUAGE = "nl"

# Presidio logs every recognizer it loads and warns about unused languages; a CLI should be quiet.
logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)


class RecognizerContext(ContextAwareEnhancer):
    """Context is each Dutch recognizer's own business.

    Presidio's default enhancer matches English lemmas, which the no-op NLP engine does not produce; it
    would only copy every result. Our recognizers look at the words around a match themselves.
    """

    def __init__(self):
        super().__init__(context_similarity_factor=0.0, min_score_with_context_similarity=0.0,
                         context_prefix_count=0, context_suffix_count=0)

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        return raw_results


class Engine:
    """Presidio set up for Dutch Woo documents, fully offline (no spaCy model, no downloads)."""

    def __init__(self, rules: Rules | None = None):
        self.rules = rules or load_rules()
        nlp_engine = NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
        nlp_engine.load()
        registry = RecognizerRegistry(supported_languages=[LANGUAGE])
        for recognizer in build_recognizers():
            registry.add_recognizer(recognizer)
        self.registry = registry
        self.analyzer = AnalyzerEngine(
            nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE],
            context_aware_enhancer=RecognizerContext(),
        )

    @property
    def entities(self) -> list[str]:
        return sorted({e for r in self.registry.recognizers for e in r.supported_entities})

    def analyze_text(self, text: str) -> list[Finding]:
        """Findings in plain text (offsets only), after every step."""
        # return_decision_process keeps each recognizer's explanation: it is the finding's reason.
        results = self.analyzer.analyze(text=text, language=LANGUAGE, entities=self.entities,
                                        return_decision_process=True)
        return [_to_finding(text, r) for r in results]

    def analyze(self, document: Document, terms: list[str] | tuple[str, ...] = ()) -> list[Finding]:
        text = document.text
        findings = self.analyze_text(text)
        findings = pair_address_lines(text, split_titles(resolve_overlaps(findings)))
        index = SearchIndex(text)
        findings += find_terms(text, list(terms) + list(self.rules.deny), findings, index)
        findings = apply_rules(findings, self.rules)
        findings = sweep_repeats(text, findings, index=index)
        findings = apply_rules(findings, self.rules)
        findings.sort(key=lambda f: (f.start, f.end))
        locate(document, findings)
        return findings


def _to_finding(text: str, result: RecognizerResult) -> Finding:
    explanation = result.analysis_explanation
    metadata = result.recognition_metadata or {}
    recognizer = metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) or (
        explanation.recognizer if explanation else "unknown"
    )
    reason = ""
    if explanation is not None:
        reason = explanation.textual_explanation or (
            f"patroon {explanation.pattern_name}" if explanation.pattern_name else ""
        )
    finding = Finding(
        entity=result.entity_type,
        text=text[result.start : result.end],
        start=result.start,
        end=result.end,
        score=round(float(result.score), 3),
        recognizer=str(recognizer),
        reason=reason or result.entity_type,
    )
    keep_reason = metadata.get("keep_reason")
    if keep_reason:
        finding.decision = DecisionKind.KEEP
        finding.reason = str(keep_reason)
    return finding


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The process's engine, built on first use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = Engine()
            # The lexicons are hundreds of thousands of long-lived objects; without this the garbage
            # collector walks them again and again while pages are extracted (measured: 2x slower).
            gc.collect()
            gc.freeze()
        return _engine
