#!/usr/bin/env bash
# Runs the whole check: ruff (lint and format) over bot/, tests/ and bench/, mypy over bot/, then the test suite.
# Creates .venv on first use.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
bash "$root/scripts/venv.sh" test
cd "$root"
lint_paths=(bot tests)
[ -d bench ] && lint_paths+=(bench)
"$root/.venv/bin/ruff" check "${lint_paths[@]}"
"$root/.venv/bin/ruff" format --check --quiet "${lint_paths[@]}"
"$root/.venv/bin/mypy"
exec "$root/.venv/bin/python" -m pytest "$@"
