"""Coverage of annotated personal data in the external Dutch examples (Deduce, pii-filter).

Runs the measurement of ``benchmarks/external_coverage.py`` with the engine in this process (the same
steps as ``woo-redact analyze``, each example analysed as a whole document) and asserts that at least 95%
of the annotated characters of each kind lie inside a finding that is not kept visible.

Kinds that do not reach the target yet are expected failures, each with its reason; when one of them
gets there the run reports it as XPASS, and it can move to the asserted list.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = Path(__file__).resolve().parents[1].parent / "shared" / "external"
sys.path.insert(0, str(REPO / "benchmarks"))

import external_coverage  # noqa: E402

TARGET = external_coverage.TARGET

NOT_YET: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def scores():
    for dataset in external_coverage.DATASET_FILES:
        if not (EXTERNAL / dataset).is_dir():
            pytest.skip(f"external examples not found at {EXTERNAL / dataset} (the shared/external folder is not next to the repo)")
    return external_coverage.measure(EXTERNAL, in_process=True)


def _kind_params():
    params = []
    for dataset, kind in external_coverage.KINDS:
        marks = []
        if (dataset, kind) in NOT_YET:
            marks.append(pytest.mark.xfail(reason=NOT_YET[(dataset, kind)], strict=False))
        params.append(pytest.param(dataset, kind, marks=marks, id=f"{dataset}-{kind.replace(' ', '_')}"))
    return params


@pytest.mark.parametrize("dataset, kind", _kind_params())
def test_coverage_reaches_target(scores, dataset, kind):
    score = scores[(dataset, kind)]
    assert score.chars > 0, f"no annotated {kind} characters in {dataset}"
    misses = "\n".join(score.misses[:20])
    assert score.coverage >= TARGET, (
        f"{dataset} {kind}: {score.covered}/{score.chars} = {score.coverage:.3f} < {TARGET}\n{misses}"
    )


def test_every_measured_kind_has_examples(scores):
    counts = {key: s.examples for key, s in scores.items()}
    assert counts[("deduce", "person")] >= 70
    assert counts[("deduce", "phone")] >= 45
    assert counts[("deduce", "email")] >= 11
    assert counts[("deduce", "bsn")] >= 2
    assert counts[("pii-filter-nl", "first name")] >= 30
    assert counts[("pii-filter-nl", "phone")] >= 18


def test_keep_findings_do_not_count_as_covered():
    example = external_coverage.Example("deduce", "test#0", "mail info@voorbeeld.nl\n", [
        external_coverage.Span(5, 22, "email", "info@voorbeeld.nl"),
    ])
    kept = [external_coverage.Hit(5, 22, "EMAIL", "keep")]
    redacted = [external_coverage.Hit(5, 22, "EMAIL", "redact")]
    [score] = [s for s in external_coverage.score([example], [kept]).values() if s.chars]
    assert score.covered == 0 and len(score.misses) == 1
    [score] = [s for s in external_coverage.score([example], [redacted]).values() if s.chars]
    assert score.covered == score.chars == 17
