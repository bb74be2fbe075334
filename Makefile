# The two commands of the README do all set-up themselves: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: install run test benchmark clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Until the review service exists, `make run` redacts the sample documents.
run: install
	$(BIN)/woo-redact redact samples/*.pdf --out-dir $(OUT)/release --review-dir $(OUT)/review --report $(OUT)/report.json
	@echo "Release PDFs in $(OUT)/release, review PDFs in $(OUT)/review, report in $(OUT)/report.json"

test: install
	$(BIN)/python -m pytest -q

benchmark: install
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
