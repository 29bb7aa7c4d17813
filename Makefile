.PHONY: help requirements upgrade test quality format demo migrations-check benchmarks clean \
	extract_translations compile_translations pull_translations detect_changed_source_translations \
	validate_translations

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

## Localization targets
#
# The Open edX convention for a plugin's translations (OEP-58), read from upstream before writing:
# - openedx/edx-proctoring's Makefile: extract_translations runs `makemessages -l en` per domain inside the
#   package, compile_translations runs `compilemessages` there; its edx_proctoring/conf/locale/config.yaml lists
#   the locales (ours: conf/locale/config.yaml).
# - openedx/edx-platform's plugins i18n_api (`pull_plugin_translations`): `atlas pull --expand-glob
#   translations/*/<module>/conf/locale:<module>` run in the locale root, i.e. openedx-translations keeps a
#   plugin's catalogs under translations/<repo>/<module>/conf/locale/<lang>/LC_MESSAGES/.
# - openedx/i18n-tools (i18n/changed.py): "changed" is `git diff --exit-code -G "^(msgid|msgstr)"`.
# - openedx/openedx-atlas: `atlas pull [--filter=ar,fr,...] [--repository=...] [--revision=...] FROM:TO`
#   copies FROM/* into TO (it merges: existing files are overwritten).
# Django finds the catalogs in the app's own cert_manager_plugin/locale/ (no LOCALE_PATHS needed).

PACKAGE := cert_manager_plugin
DJANGO_ADMIN := DJANGO_SETTINGS_MODULE=devsite.test_settings PYTHONPATH=$(CURDIR) django-admin
# The shipped languages (conf/locale/config.yaml, without the source language): atlas's --filter.
LOCALES := $(shell sed -n 's/^ *- *\([a-zA-Z_@]*\).*/\1/p' conf/locale/config.yaml | grep -v '^en$$' | paste -sd, -)
ATLAS_OPTIONS ?= --filter=$(LOCALES)
ATLAS_DIR := var/atlas

extract_translations: ## refresh the English source catalogs (django.po, djangojs.po) from the code
	cd $(PACKAGE) && $(DJANGO_ADMIN) makemessages -l en -d django --add-location=file \
		-i 'templates/cert_manager_plugin/instructor_dashboard/*'
	cd $(PACKAGE) && $(DJANGO_ADMIN) makemessages -l en -d djangojs --add-location=file

compile_translations: ## compile every catalog to .mo in place (Babel as `pip install` does, else gettext msgfmt)
	python setup.py -q compile_catalogs

pull_translations: ## pull the reviewed translations from openedx-translations with atlas (pip install openedx-atlas)
	rm -rf $(ATLAS_DIR) && mkdir -p $(ATLAS_DIR)
	cd $(ATLAS_DIR) && atlas pull --expand-glob $(ATLAS_OPTIONS) \
		'translations/*/$(PACKAGE)/conf/locale:$(PACKAGE)'
	@# Every language but the source: our English catalogs are the ones makemessages writes.
	find $(ATLAS_DIR)/$(PACKAGE) -mindepth 1 -maxdepth 1 -type d ! -name en -exec cp -r {} $(PACKAGE)/locale/ \;
	rm -rf $(ATLAS_DIR)
	$(MAKE) compile_translations

detect_changed_source_translations: ## fail when extract_translations changed a msgid (as i18n_tool changed)
	git diff --exit-code -G "^(msgid|msgstr)" -- $(PACKAGE)/locale/en

validate_translations: extract_translations detect_changed_source_translations ## check every catalog
	@# msgfmt --check: header, formats (c-format / python-format) and plural forms of every catalog.
	for po in $(filter-out $(PACKAGE)/locale/en/%,$(wildcard $(PACKAGE)/locale/*/LC_MESSAGES/*.po)); do \
		msgfmt --check -o /dev/null "$$po" || exit 1; \
	done
	python -m pytest tests/test_locales.py -q -p no:cacheprovider

clean: ## remove build and test artefacts
	rm -rf build dist *.egg-info .tox .pytest_cache .ruff_cache
	find . -name '__pycache__' -type d -prune -exec rm -rf {} +
