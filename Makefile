# The README's two commands. Both build the virtual environment (.venv) on first use, from the
# pinned versions in requirements.lock, with nothing but Python 3.11 and pip on the machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export GX_ANALYTICS_ENABLED := false
export MPLBACKEND := Agg

.PHONY: report test lab benchmark benchmark-validation simulate wheel lock clean

report: $(INSTALLED)
	$(BIN)/evaluation run pipelines/demo.yaml --out build/demo

test: $(INSTALLED)
	$(BIN)/python -m pytest

# The fast subset (no demo run, no whole-directory validation, no install): under a minute.
test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -m "not slow"

# The whole evaluation at national size (1,000,000 students, 7,420 schools), stage by stage, and
# the comparison methods (statsmodels' MixedLM, a dense CR2) on the same data: one JSON line per
# stage in build/benchmark/run-1000000.jsonl. STUDENTS=100000 for a smaller run. Without the pages
# per school and partnership (22,260 at national size: benchmarks/school_pages.py times them);
# PAGES=1 makes them too.
STUDENTS ?= 1000000
PAGES ?=
benchmark: $(INSTALLED)
	$(BIN)/python benchmarks/run.py --students $(STUDENTS) $(if $(PAGES),,--no-school-pages) --out build/benchmark/run-$(STUDENTS).jsonl

# Validation of a national exam table (8 million rows) and of one ten times smaller; a few minutes.
benchmark-validation: $(INSTALLED)
	$(BIN)/python benchmarks/validate_national.py

# Coverage and type-I error of the partner-versus-control methods (6 cells x 1000 synthetic
# programmes), the moderator test's type-I error and the pre/post intervals' coverage (12 cells);
# 2 workers, 6-12 minutes on 2 cores; writes build/simulation/coverage.md and a .csv per study.
simulate: $(INSTALLED)
	$(BIN)/python benchmarks/simulate_coverage.py

# The package as a wheel in dist/ (README: "Installing the package"). setuptools builds in build/lib/
# and ships whatever it finds there, so that is cleared first.
wheel:
	rm -rf build/lib build/bdist.*
	$(PYTHON) -m pip wheel --quiet --no-deps --wheel-dir dist .

lab: $(INSTALLED)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[lab]'
	$(BIN)/jupyter lab notebooks/

$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==26.0
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

# Refresh requirements.lock after changing pyproject.toml's pins (run in a clean venv).
lock:
	rm -rf /tmp/evaluation-lock && $(PYTHON) -m venv /tmp/evaluation-lock
	/tmp/evaluation-lock/bin/pip install --quiet -e '.[test,lab,dev]'
	/tmp/evaluation-lock/bin/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf build dist $(VENV)
