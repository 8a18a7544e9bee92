# payerwatch — `make demo` and `make test` are the two set-up commands; both install first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# the C helper's sources (extractors/_pdftext*.c, .h): the editable install builds them in place
CSRC   := $(wildcard extractors/_pdftext*.c extractors/_pdftext*.h)

.PHONY: install system demo test test-fast lint sanitize bench bench-workers eval mutate clean

install: system $(STAMP)

# System packages the tests use (Chromium, PostgreSQL, newsboat, poppler's pdftotext); the demo and the
# runtime need none, so `make demo` never runs apt-get.
system:
	@bash .ci/system-packages.sh test

# Re-installs only when the dependency list or the C helper changed, so `make install` is fast when nothing
# did (the editable install builds extractors/_pdftext*.c in place: a merge that changes them needs a rebuild).
$(STAMP): pyproject.toml $(CSRC)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing payerwatch and its test tools into $(VENV) (about a minute the first time)..."
	$(PY) -m pip install --progress-bar on --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# The demo needs only the `demo` extra (reportlab for the sample portal's PDFs, aiosmtpd for its mail server).
DEMO_STAMP := $(VENV)/.installed-demo
$(DEMO_STAMP): pyproject.toml $(CSRC)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing payerwatch into $(VENV) (about 30 s the first time; nothing else on the system)..."
	$(PY) -m pip install --disable-pip-version-check -e '.[demo]'
	@touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(VENV)/bin/payerwatch --data data/demo demo

# `make test` is what CI runs (.ci/run): the lint first, then the whole suite.
test: lint
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not slow and not browser"

# The same three checks as .pre-commit-config.yaml: ruff, the formatter, mypy on the packages whose
# boundaries are typed (extractors, differ, feeds, store; the list lives in pyproject's [tool.mypy]).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The C helper (extractors/_pdftext*.c) built with AddressSanitizer + UndefinedBehaviorSanitizer in a scratch
# copy of the tree, then the PDF extractor tests and a seeded fuzz run on mangled PDFs against that build
# (.ci/sanitize.sh; 130 s at load 2, 10-14 min at load 10). `make sanitize FUZZ_SECONDS=600` fuzzes longer.
FUZZ_SECONDS ?= 60
sanitize: install
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash .ci/sanitize.sh

# Evaluation corpora (tests/files/eval/<name>/): one scorer module each, each prints one summary line.
# Add a scorer by appending its module to EVALS. By default every set of every corpus is scored, one line
# each (`facts[holdout6]: …`, `history[holdout2]: …`; a new holdout folder joins with no edit here);
# `make eval EVAL_ARGS="--set holdout"` scores one set; EVAL_ARGS="--set all -v" lists each document's misses.
EVALS     := tests.eval.facts tests.eval.history
EVAL_ARGS ?= --set all

eval: install
	@for m in $(EVALS); do $(PY) -m $$m $(EVAL_ARGS) || exit 1; done

# Mutation testing of the decision code (differ, extractors, crawl state, processing, outbox), each module
# against its own tests: one line per module and `mutate: killed=N survived=M score=0.xx`. Resumable.
# `make mutate MUTATE="extractors/metadata.py differ/words.py"` runs only those; docs/mutation.md has the
# last scores and the equivalent mutants.
MUTATE      ?=
MUTATE_ARGS ?=

mutate: install
	$(PY) -m tests.eval.mutation_score $(MUTATE_ARGS) $(MUTATE)

bench: install
	@bash .ci/system-packages.sh bench
	$(PY) bench/extract.py
	$(PY) bench/crawl.py
	$(PY) bench/archive_speed.py

# Workers on PostgreSQL: documents/s for 1, 2 and 4 workers and the per-document costs (docs/scale.md).
bench-workers: install
	$(PY) bench/workers.py

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts .mutmut extractors/_pdftext*.so
