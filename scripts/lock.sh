#!/usr/bin/env bash
# Recompiles the lock files from pyproject.toml's dependency lists: every package, pinned, with the hashes of every
# file PyPI has for that release. Run after changing a dependency in pyproject.toml, then commit requirements/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.venv-lock"
uv_version="0.13.8"
python="${PYTHON:-python3}"
if [ ! -x "$tools/bin/uv" ] || [ "$("$tools/bin/uv" --version | cut -d' ' -f2)" != "$uv_version" ]; then
    "$python" -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$uv_version"
fi
cd "$root"
# --universal: one lock for every platform (markers say where a package applies). uv reads no pip configuration,
# so the lock holds PyPI's releases and hashes only, whatever this machine's local indexes are.
common=(--quiet --universal --python-version 3.11 --generate-hashes
        --no-header --custom-compile-command "bash scripts/lock.sh")
"$tools/bin/uv" pip compile "${common[@]}" pyproject.toml -o requirements/runtime.lock
"$tools/bin/uv" pip compile "${common[@]}" --extra test pyproject.toml -o requirements/test.lock
echo "wrote requirements/runtime.lock and requirements/test.lock"
