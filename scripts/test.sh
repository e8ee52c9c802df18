#!/usr/bin/env bash
# Install the project with its dev tools into .venv, then run every check the project has:
# ruff (format + lint), mypy (strict), import-linter (the core stays pure), pytest with coverage.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'

# The dashboard's browser tests drive Debian's chromium (never a downloaded browser). As root
# with apt-get, install it when missing; the package index is refreshed only if that fails.
# Without it the browser tests skip locally with the reason and fail in CI (tests/dashboard).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== apt-get install chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } \
        || echo "chromium could not be installed: the browser tests skip locally, fail in CI"
fi

echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== ruff check";          .venv/bin/ruff check .
echo "== mypy (strict)";       .venv/bin/mypy
echo "== import-linter";       .venv/bin/lint-imports
echo "== pytest";              .venv/bin/python -m pytest --cov --cov-report=term "$@"
