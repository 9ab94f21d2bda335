#!/usr/bin/env bash
# Creates (once) the Python venv of the pedalboard VST3 host check and prints its python's path.
# Usage: tests/vst3/venv.sh [VENV_DIR]   (default: .venv/pedalboard at the workspace root, outside
# cargo's target dir so that cargo still creates that itself, with its CACHEDIR.TAG)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-$(cd "$here/../.." && pwd)/.venv/pedalboard}"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$stamp"
fi
echo "$venv/bin/python"
