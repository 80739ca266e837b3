# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := MENTORING_ENV=development $(BIN)/flask --app app
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes (pytest-xdist); each has its own databases.
TEST_WORKERS ?= 2
CATALOG_KEYWORDS := -k _ -k _l -k gettext -k lazy_gettext -k ngettext:1,2 -k _n:1,2 -k _ln:1,2 -k lazy_ngettext:1,2

.PHONY: run test install install-test translations extract update-catalogs db demo lint clean benchmark

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/pytest -q -n $(TEST_WORKERS)

# What running needs (requirements.txt); the test tools and axe-core come with install-test.
install: $(STAMP) translations

install-test: install $(TEST_STAMP) node_modules/.installed

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/pip install -q -r requirements.txt
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(TEST_STAMP)

# axe-core for the browser tests' accessibility checks, from the npm registry (test-only).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

# Compile the .po catalogs (ours, Flask-Admin's and WTForms') into .mo files.
translations: $(STAMP)
	$(BIN)/pybabel compile -d translations -D messages
	$(BIN)/pybabel compile -d translations -D admin
	$(BIN)/pybabel compile -d translations -D wtforms

# Re-extract our strings and merge them into the lv and en catalogs.
update-catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords $(CATALOG_KEYWORDS) \
	    --sort-by-file -o translations/messages.pot .
	$(BIN)/pybabel update -N -i translations/messages.pot -d translations -D messages

# Style and errors (ruff), types (mypy), the layers and no cycles (import-linter).
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance/mentoring.sqlite

# The benchmark at one size (YOUTHS=1000|10000|100000), against DATABASE_URL when set.
YOUTHS ?= 10000
BENCH_DB ?= $(if $(DATABASE_URL),$(DATABASE_URL),sqlite:///instance/benchmark-$(YOUTHS).sqlite)
benchmark: install
	$(BIN)/python -m benchmarks.generate --youths $(YOUTHS) --months 3 --database $(BENCH_DB)
	$(BIN)/python -m benchmarks.run --database $(BENCH_DB) --repeat 5 --load 15 \
	    --json benchmarks/results/$(firstword $(subst :, ,$(BENCH_DB)))-$(YOUTHS).json
