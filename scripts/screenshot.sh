#!/usr/bin/env bash
# Screenshot of a plugin editor without a DAW: runs the plugin's standalone build (feature
# `standalone`) under Xvfb with the dummy audio backend and captures its window.
#
#   scripts/screenshot.sh <package> <out.png> [extra standalone args...]
#
# Environment:
#   WAIT_S        seconds to wait after the window appears before capturing (default 3)
#   SCREEN        Xvfb screen geometry (default 1600x1000x24)
#   VERNIS_DEMO   seconds of the built-in demo programme to measure at start (default 25, 20 for
#                 the limiter so the capture falls in the loud chorus; set to "" to feed silence);
#                 plugins without a demo input ignore it
#   VERNIS_DEMO_GAIN_DB
#                 gain applied to the demo programme, dB (it peaks at -1 dBFS; default 0, and 5 for
#                 the limiter, which drives it into a few dB of gain reduction at its default
#                 -1 dBTP ceiling)
#   PRE_CAPTURE   optional shell snippet run after the wait, before the capture, with $WINDOW set
#                 to the window id (e.g. 'xdotool mousemove --window $WINDOW 280 24 click 1')
#   DPI_SCALE     HiDPI scale to emulate (default 1): sets Xft.dpi = 96 * scale with xrdb, which
#                 baseview reads on X11 (the standalone's own --dpi-scale flag is ignored by
#                 nice-plug 0.4.2)
#
# Needs (Debian/Ubuntu): pkg-config libasound2-dev libjack-jackd2-dev (build), libegl1
# libegl-mesa0 libgl1-mesa-dri libx11-xcb1 libxkbcommon-x11-0 (run), xvfb xauth x11-utils
# imagemagick (capture), x11-xserver-utils (xrdb, only for DPI_SCALE != 1). Not part of the default test path.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 <package> <out.png> [standalone args...]" >&2
    exit 2
fi
package=$1
out=$2
shift 2

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in xvfb-run xwininfo import cargo; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

# The window title is the plugin's display name (bundler.toml), the binary the package's
# only [[bin]] with required-features = ["standalone"].
title=$(awk -v pkg="[$package]" '$0 == pkg {found=1; next} found && /^name *=/ {gsub(/^name *= *"|"$/, ""); print; exit}' bundler.toml)
if [[ -z "$title" ]]; then
    echo "no display name for $package in bundler.toml" >&2
    exit 1
fi

echo "==> building $package (standalone)" >&2
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
cargo build -p "$package" --features standalone --bins --message-format=json-render-diagnostics \
    > "$build_log"
bin=$(grep -o '"executable":"[^"]*"' "$build_log" | tail -n 1 | sed 's/"executable":"//; s/"$//')
if [[ -z "$bin" || ! -x "$bin" ]]; then
    echo "no standalone binary built for $package" >&2
    exit 1
fi

mkdir -p "$(dirname "$out")"
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

# Per-plugin demo defaults (an explicitly set variable, even empty, wins).
case $package in
    limiter)
        export VERNIS_DEMO=${VERNIS_DEMO-20}
        export VERNIS_DEMO_GAIN_DB=${VERNIS_DEMO_GAIN_DB-5}
        ;;
esac
export VERNIS_DEMO=${VERNIS_DEMO-25}
export WAIT_S=${WAIT_S:-3}
export BIN=$bin TITLE=$title OUT=$out_abs DPI_SCALE=${DPI_SCALE:-1}
echo "==> running $bin under Xvfb (window \"$title\")" >&2
# shellcheck disable=SC2016
xvfb-run --auto-servernum --server-args="-screen 0 ${SCREEN:-1600x1000x24} -noreset" bash -c '
    set -euo pipefail
    # -noreset above: otherwise the server resets (and forgets the resource) when xrdb exits.
    if [[ "$DPI_SCALE" != 1 ]]; then
        echo "Xft.dpi: $(awk -v s="$DPI_SCALE" "BEGIN { printf \"%d\", 96 * s }")" | xrdb -merge
    fi
    "$BIN" --backend dummy "$@" > /tmp/vernis-standalone.$$.log 2>&1 &
    pid=$!
    trap "kill $pid 2>/dev/null || true" EXIT
    id=""
    for _ in $(seq 1 100); do
        id=$(xwininfo -root -tree 2>/dev/null | grep -F "\"$TITLE\"" | head -n 1 | awk "{print \$1}") || true
        [[ -n "$id" ]] && break
        kill -0 "$pid" 2>/dev/null || { cat /tmp/vernis-standalone.$$.log >&2; exit 1; }
        sleep 0.1
    done
    if [[ -z "$id" ]]; then
        echo "window \"$TITLE\" did not appear" >&2
        cat /tmp/vernis-standalone.$$.log >&2
        exit 1
    fi
    sleep "$WAIT_S"
    if [[ -n "${PRE_CAPTURE:-}" ]]; then
        WINDOW=$id bash -c "$PRE_CAPTURE"
        sleep 0.5
    fi
    import -window "$id" "$OUT"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -f /tmp/vernis-standalone.$$.log
' bash "$@"
echo "==> wrote $out" >&2
