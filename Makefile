# Two commands for a fresh machine with Python 3.11 and make: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test up bench bench-compare bench-reports bench-import bench-ingest bench-latency chaos screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kuota demo

test: $(STAMP)
	scripts/ensure-postgres
	scripts/ensure-test-tools
	$(BIN)/pytest

up: $(STAMP)
	$(BIN)/kuota up

bench: $(STAMP)
	$(BIN)/kuota bench --events 100000
	$(BIN)/kuota bench --events 100000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

# kuota end to end next to a hand-written reference consumer, kuota's work with no broker and the
# raw consume rate, on one broker and one set of 100,000 events; the figures also in bench-compare.json.
bench-compare: $(STAMP)
	$(BIN)/kuota bench --compare --events 100000 --workers 2 --json bench-results/bench-compare.json

# The compliance overview's response time over 1,000,000 entries in the local PostgreSQL.
bench-reports: $(STAMP)
	$(BIN)/kuota bench-reports --entries 1000000

# Mapping rate and peak memory of `kuota import --dry-run` over a generated 1,000,000-record SPSE file.
bench-import: $(STAMP)
	$(BIN)/kuota bench-import --records 1000000

# Records a second POST /api/v1/events acknowledges (100,000 purchases, batches of 500, 4 clients).
bench-ingest: $(STAMP)
	$(BIN)/kuota bench-ingest --records 100000 --batch 500 --clients 4

# Produce -> alert latency (p50, p99, max) at a steady 2,000 purchases a second for 30 s.
bench-latency: $(STAMP)
	$(BIN)/kuota bench-latency --rate 2000 --seconds 30

# The fault suite at full size (100,000 events per scenario, 10 kills, 20 s database outage).
chaos: $(STAMP)
	$(BIN)/kuota chaos --scenario all

# docs/screenshots/: the dashboard at 1366 px and 375 px, in both languages, over a fresh demo ledger.
screenshots: $(STAMP)
	scripts/ensure-test-tools
	$(BIN)/python -m streams.tools.screenshots

clean:
	rm -rf $(VENV) kuota-data bench-results chaos-results test-output
