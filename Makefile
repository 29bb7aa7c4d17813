.PHONY: help requirements upgrade test quality format demo migrations-check benchmarks clean

.DEFAULT_GOAL := help

PIP_COMPILE = pip-compile --resolver=backtracking --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --upgrade

help: ## show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-18s %s\n", $$1, $$2}'

requirements: ## install the development requirements and the package (editable) into the active venv
	pip install -r requirements/dev.txt
	pip install -e .

upgrade: export CUSTOM_COMPILE_COMMAND=make upgrade
upgrade: ## recompile every requirements/*.txt from its .in with the newest allowed versions
	pip install -q -r requirements/pip-tools.txt
	$(PIP_COMPILE) -o requirements/pip-tools.txt requirements/pip-tools.in
	$(PIP_COMPILE) -o requirements/base.txt requirements/base.in
	$(PIP_COMPILE) -o requirements/test.txt requirements/test.in
	$(PIP_COMPILE) -o requirements/quality.txt requirements/quality.in
	$(PIP_COMPILE) -o requirements/ci.txt requirements/ci.in
	$(PIP_COMPILE) -o requirements/dev.txt requirements/dev.in

test: ## the whole suite, exactly as CI runs it (SQLite, PostgreSQL, MariaDB; ruff; migrations check)
	./scripts/test.sh

quality: ## ruff lint and format check, import-linter layer contracts (.importlinter)
	ruff check .
	ruff format --check .
	lint-imports

format: ## apply ruff formatting and safe fixes
	ruff check --fix .
	ruff format .

demo: ## create .venv, seed the demo course and serve it on 127.0.0.1:8000
	./scripts/demo.sh

migrations-check: ## fail when a model change has no migration
	DJANGO_SETTINGS_MODULE=devsite.test_settings python manage.py makemigrations --check --dry-run

benchmarks: ## run the benchmarks (JSON lines; add ARGS=--quick for a smoke run)
	python -m benchmarks $(ARGS)

clean: ## remove build and test artefacts
	rm -rf build dist *.egg-info .tox .pytest_cache .ruff_cache
	find . -name '__pycache__' -type d -prune -exec rm -rf {} +
