# zhkg: two commands set everything up on a fresh machine.
#   make demo   create .venv, install, build the example graph, query it, draw it
#   make test   install everything the tests need (incl. headless Chromium) and run them all
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEED := ../shared/seeds/000_04c2008ada7c6151.txt
OUT := out

.PHONY: demo test bench install install-test browser virtuoso examples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"

# Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded by Playwright),
# and a CJK font whenever they run: without one the page and its screenshots show boxes for Chinese.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped (sudo apt-get install chromium)"; fi; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	  else echo "no Chinese font: pages and screenshots will show boxes (sudo apt-get install fonts-noto-cjk)"; fi; }

# OpenLink Virtuoso 7, a third-party SPARQL 1.1 server the endpoint-store tests start on a free port.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; \
	  else echo "virtuoso-t missing: Virtuoso tests will be skipped (sudo apt-get install virtuoso-opensource)"; fi; }

demo: install
	@mkdir -p $(OUT)
	$(BIN)/kg build examples/articles/icbc_fintech.txt -o $(OUT)/icbc_fintech.ttl --force
	$(BIN)/kg query $(OUT)/icbc_fintech.ttl examples/queries/products-of-organization.rq --param name=工商银行
	$(BIN)/kg viz $(OUT)/icbc_fintech.ttl -o $(OUT)/icbc_fintech.html --force
	@echo "Open $(OUT)/icbc_fintech.html in a browser."

test: install-test browser virtuoso
	$(BIN)/python -m pytest -q

bench: install-test browser
	$(BIN)/python -m benchmarks

# Regenerate the example graphs checked into examples/graphs/.
examples: install
	@mkdir -p examples/graphs
	@for f in examples/articles/*.txt examples/articles/*.jsonl; do \
	  name=$$(basename $$f); name=$${name%.*}; \
	  $(BIN)/kg build $$f -o examples/graphs/$$name.trig --force -q || exit 1; \
	done

clean:
	rm -rf $(OUT) .pytest_cache .hypothesis
