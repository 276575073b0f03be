# One task runner; CI (.ci/run) calls `make test`, the README shows `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_INDEX := data/index
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo demo-index test test-quick lint format extract-score eval bench bench-quick \
        bench-relevance bench-known-item bench-crawl bench-failover harden screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Index the demo site in data/demo-site and serve it on http://$(HOST):$(PORT)
demo: demo-index
	$(BIN)/postsearch --config data/demo.toml serve --index $(DEMO_INDEX) --host $(HOST) --port $(PORT)

# The demo index is rebuilt from scratch each time, so it always matches data/demo-site.
demo-index: $(STAMP)
	rm -rf $(DEMO_INDEX)
	$(BIN)/postsearch index data/demo-site --index $(DEMO_INDEX) --quiet

## Lint, then every test (a real index, the real app, a real server and browser)
test: $(STAMP) lint
	$(BIN)/pytest

## Lint, then every test but the slow ones (fuzzing, kills): `make test` runs them all
test-quick: $(STAMP) lint
	$(BIN)/pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Score extraction against the answer keys in ../shared (not needed for the demo)
extract-score: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python ../shared/bench/extraction/score_gold.py \
	    ../shared/fixtures/seed-site ../shared/corpora/sowrey ../shared/corpora/wasp ../shared/corpora/artsy

## Every extraction table (answer keys, post detection, Zyte F1, speed) in one run
eval: $(STAMP)
	$(BIN)/python bench/eval_extraction.py

## Speed against peers (Pagefind, SQLite FTS5): builds, incremental, HTTP latency, RSS
BENCH_POSTS ?= 10000
bench: $(STAMP)
	$(BIN)/python bench/run_all.py --posts $(BENCH_POSTS)

## The speed benchmark on a small site with fewer requests: checks that every step runs
bench-quick: $(STAMP)
	$(BIN)/python bench/run_all.py --posts 1000 --incr-posts 500 --quick

## nDCG@10 on Cranfield and SciFact through the product, tantivy and SQLite FTS5 beside it
bench-relevance: $(STAMP)
	$(BIN)/python bench/relevance_peers.py --data ../shared/bench/relevance --collections cranfield,scifact

## Finding a post by 2-3 words of its title: MRR@10 beside SQLite FTS5 on every public corpus
bench-known-item: $(STAMP)
	$(BIN)/python bench/known_item.py

## Crawl the sowrey corpus over loopback, then recrawl it unchanged
bench-crawl: $(STAMP)
	$(BIN)/python bench/crawl_sowrey.py

## Typesense fail-over: seconds until writes resume after the leader is killed, 10 kills each
bench-failover: $(STAMP)
	$(BIN)/python bench/typesense_failover.py --rounds 10

## Load during a full reindex (50 requests/s for 60 s), and the fuzz run's status counts
harden: $(STAMP)
	$(BIN)/python bench/harden_load.py --nice 19 --workers 1 --json /tmp/postsearch-harden.json
	POSTSEARCH_FUZZ_COUNT=1 $(BIN)/pytest tests/test_api_fuzz.py -k test_fuzzed_requests_counted_by_status -q -s

## The README's screenshots: the results page (desktop and phone, light and dark), the plugin's settings
screenshots: $(STAMP)
	$(BIN)/python docs/make_screenshots.py
	$(BIN)/python docs/make_plugin_screenshot.py

clean:
	rm -rf $(VENV) $(DEMO_INDEX) .pytest_cache .ruff_cache *.egg-info
