#!/usr/bin/env bash
# Creates .venv on first use and reinstalls when the lock changes; sourced by run.sh and test.sh.
# Installs exactly the locked packages (pinned, hash-checked), then the project itself without resolving anything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
extras="${1:-}"
python="${PYTHON:-python3}"
case "$extras" in
    "") lock="$root/requirements/runtime.lock" ;;
    test) lock="$root/requirements/test.lock" ;;
    *) echo "venv.sh: unknown set '$extras' (none, or test)" >&2; exit 2 ;;
esac
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
stamp="$venv/.installed${extras:+-$extras}"
want="$(cat "$lock" "$root/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    pip=("$venv/bin/python" -m pip --disable-pip-version-check)
    "${pip[@]}" install --quiet --require-hashes -r "$lock"
    "${pip[@]}" install --quiet --no-deps -e "$root"
    echo "$want" > "$stamp"
fi
