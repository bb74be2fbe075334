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

# `make run` starts the review service at http://127.0.0.1:8000 (SQLite and files in ./data).
run: install
	$(BIN)/woo-redact serve --port 8000

test: install
	$(BIN)/python -m pytest -q

benchmark: install
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
