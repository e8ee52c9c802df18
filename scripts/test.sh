#!/usr/bin/env bash
# Install the project with its dev tools into .venv, then run every check the project has:
# ruff (format + lint), mypy (strict), import-linter (the core stays pure), pytest with coverage.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'

echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== ruff check";          .venv/bin/ruff check .
echo "== mypy (strict)";       .venv/bin/mypy
echo "== import-linter";       .venv/bin/lint-imports
echo "== pytest";              .venv/bin/python -m pytest --cov --cov-report=term "$@"
