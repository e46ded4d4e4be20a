#!/usr/bin/env bash
# Runs the bot: creates .venv and installs on first use. Extra arguments go to `python -m bot`.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
bash "$root/scripts/venv.sh"
cd "$root"
exec "$root/.venv/bin/python" -m bot "$@"
