# Two commands for a newcomer: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Two stamps: `make run` installs only what the program needs; `make test` adds the test extras
# (spaCy, datasets, scikit-learn, … about 1.4 GB). `make run` after `make test` installs nothing.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
# Where `make dist` puts the bundle and PyInstaller's work files (the bundle test builds in a
# temporary folder: DISTDIR=… BUILDDIR=…).
DISTDIR ?= dist
BUILDDIR ?= build

.PHONY: run test lint bench screenshot clean dist icons

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $(RUN_STAMP)

$(TEST_STAMP): $(RUN_STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(TEST_STAMP)

run: $(RUN_STAMP)
	$(VENV)/bin/claimdesk $(ARGS)

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run_all.py

# docs/screenshots/{light,dark,curation,dashboard,student}.png, from the real windows offscreen.
screenshot: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshot.py docs/screenshots

# The desktop bundle (PyInstaller, one folder): dist/claimdesk/claimdesk, and dist/version.iss
# for the Windows installer (packaging/windows/claimdesk.iss). See packaging/.
DIST_STAMP := $(VENV)/.installed-dist
$(DIST_STAMP): $(RUN_STAMP)
	$(PY) -m pip install --quiet -e '.[dist]'
	@touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath $(DISTDIR) --workpath $(BUILDDIR)/pyinstaller packaging/claimdesk.spec
	@du -sh $(DISTDIR)/claimdesk

icons: $(DIST_STAMP)
	$(PY) packaging/make_icons.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
