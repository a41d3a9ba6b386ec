# Caseworker: `make run` sets up and starts the app; `make test` sets up and runs the tests.
# Everything installs into .venv from the pinned versions in requirements.lock.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
PYBABEL := $(BIN)/pybabel
CATALOGS := $(wildcard translations/*/LC_MESSAGES/caseworker.po)
COMPILED := $(CATALOGS:.po=.mo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test bench stress dist catalogs extract update-catalogs check-catalogs demo clean

run: $(VENV)/.app catalogs
	$(BIN)/caseworker $(ARGS)

test: $(VENV)/.test catalogs
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.test catalogs
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/benchmarks -p no:randomly -s $(PYTEST_ARGS)

# The long runs: each crash test kills its process KILLS times (10 in `make test`), each backup and
# directory-import fuzz test tries FUZZ files (150 in `make test`; the field-by-field HSDS test a
# third of that), the model-based test runs STATEFUL sequences of twelve steps (8 in `make test`);
# the counts are printed at the end of each test.
stress: $(VENV)/.test catalogs
	CASEWORKER_KILLS=$(or $(KILLS),200) CASEWORKER_FUZZ_EXAMPLES=$(or $(FUZZ),2000) \
		CASEWORKER_STATEFUL_EXAMPLES=$(or $(STATEFUL),200) QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest tests/e2e/test_crash_safety.py tests/unit/test_backup.py tests/e2e/test_state_machine.py \
		tests/unit/test_hsds_fuzz.py -k "kill or only_backup_errors or only_the_validation_error or match_the_model" \
		-p no:randomly -s --timeout=7200 --hypothesis-show-statistics $(PYTEST_ARGS)

demo: $(VENV)/.app catalogs
	CASEWORKER_PASSWORD=demo $(BIN)/caseworker demo --data-dir demo-data --cases $(or $(CASES),200)

dist: $(VENV)/.app catalogs
	$(PIP) install --quiet -c requirements.lock pyinstaller
	$(BIN)/pyinstaller --noconfirm --clean build.spec

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app: pyproject.toml requirements.lock | $(VENV)/bin/python
	$(PIP) install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.test: pyproject.toml requirements.lock $(VENV)/.app
	$(PIP) install --quiet -c requirements.lock -e ".[test]"
	touch $@

# --- translations ------------------------------------------------------------------------------

catalogs: $(COMPILED)

translations/%/LC_MESSAGES/caseworker.mo: translations/%/LC_MESSAGES/caseworker.po | $(VENV)/.app
	$(PYBABEL) compile --statistics --domain caseworker --input-file $< --output-file $@ --locale $*

extract: $(VENV)/.app
	$(PYBABEL) extract --mapping babel.cfg --keywords N_ --keywords pgettext:1c,2 \
		--add-comments TRANSLATORS: --sort-by-file --no-wrap \
		--project Caseworker --copyright-holder "Caseworker contributors" \
		--output-file translations/caseworker.pot caseworker resources

update-catalogs: extract
	$(PYBABEL) update --domain caseworker --input-file translations/caseworker.pot \
		--output-dir translations --no-wrap --ignore-obsolete --no-fuzzy-matching

clean:
	rm -rf $(VENV) build dist
	find translations -name '*.mo' -delete
