# Thin shortcuts; scripts/dev.py and .ci/run do the work.
.PHONY: serve test lint ci

serve:
	python3 scripts/dev.py serve

test:
	python3 scripts/dev.py test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

ci:
	bash .ci/run
