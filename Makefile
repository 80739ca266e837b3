# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := MENTORING_ENV=development $(BIN)/flask --app app
STAMP := $(VENV)/.installed
CATALOG_KEYWORDS := -k _ -k _l -k gettext -k lazy_gettext -k ngettext:1,2 -k _n:1,2 -k _ln:1,2 -k lazy_ngettext:1,2

.PHONY: run test install translations extract update-catalogs db demo lint clean benchmark

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/pytest -q

install: $(STAMP) translations node_modules/.installed

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(STAMP)

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

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance/mentoring.sqlite

# The benchmark at one size (YOUTHS=1000|10000|100000), against DATABASE_URL when set.
YOUTHS ?= 10000
BENCH_DB ?= $(if $(DATABASE_URL),$(DATABASE_URL),sqlite:///instance/benchmark-$(YOUTHS).sqlite)
benchmark: install
	$(BIN)/python -m benchmarks.generate --youths $(YOUTHS) --months 3 --database $(BENCH_DB)
	$(BIN)/python -m benchmarks.run --database $(BENCH_DB) --gunicorn \
	    --json benchmarks/results/$(firstword $(subst :, ,$(BENCH_DB)))-$(YOUTHS).json
