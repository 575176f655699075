#!/bin/sh
# Render the HTML report of the real dataset and screenshot it with headless Chromium
# (Debian's `chromium` package), offline: the page must draw its charts with no network.
#
#   sh docs/report-screenshot.sh [OUTPUT.png] [extra `ihltag report` options...]
#
# Run from the repository root. Writes docs/report-screenshot.png by default.
set -eu
out="${1:-docs/report-screenshot.png}"
[ "$#" -gt 0 ] && shift
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "report-screenshot: install Chromium first (apt-get install -y chromium)" >&2
    exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m ihltag report incidents --format html --output "$work/report.html" "$@"
# The report's Content-Security-Policy forbids every request; these flags also keep
# Chromium itself from reaching the network (updates, sync, QUIC, first-run pages).
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars --window-size=1100,3400 \
    --virtual-time-budget=2000 --screenshot="$out" "file://$work/report.html" \
    2>"$work/chromium.log" || { cat "$work/chromium.log" >&2; exit 1; }
echo "report-screenshot: wrote $out"
