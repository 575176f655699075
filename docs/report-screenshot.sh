#!/bin/sh
# Render the HTML report of the real dataset, offline, with headless Chromium (Debian's
# `chromium` package), and write two pictures of it:
#
#   docs/report-screenshot.png  the page on screen: its first screen, then one incident
#   docs/report-print.png       the page printed to PDF (A4): three pages side by side
#
#   sh docs/report-screenshot.sh [OUTDIR] [extra `ihltag report` options...]
#
# Run from the repository root with the project's Python environment active (Pillow,
# which matplotlib brings, joins the pictures; pdftoppm from poppler-utils renders the
# PDF). It prints the PDF's page count and the number of pages less than 70% full.
set -eu
outdir="${1:-docs}"
[ "$#" -gt 0 ] && shift
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "report-screenshot: install Chromium first (apt-get install -y chromium)" >&2
    exit 2
fi
command -v pdftoppm >/dev/null || { echo "report-screenshot: install poppler-utils" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m ihltag report incidents --format html --output "$work/report.html" "$@"
# The report's Content-Security-Policy forbids every request; these flags also keep
# Chromium itself from reaching the network (updates, sync, QUIC, first-run pages).
chrome() {
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/profile" --hide-scrollbars --virtual-time-budget=2000 \
        "$@" 2>>"$work/chromium.log" || { cat "$work/chromium.log" >&2; exit 1; }
}
chrome --window-size=1280,900 --screenshot="$work/top.png" "file://$work/report.html"
# One incident (the third) as the page shows it: a copy of the page with an inline style
# that hides what comes before it (headless screenshots do not scroll to an anchor).
anchor="$(grep -o '<article class="incident" id="[^"]*"' "$work/report.html" | sed -n '3s/.*id="\([^"]*\)"/\1/p')"
sed "s|</head>|<style>header, nav.toc, .notice, section:not(#incidents), #incidents > article:not(#$anchor) { display: none; }</style></head>|" \
    "$work/report.html" >"$work/incident.html"
chrome --window-size=1280,900 --screenshot="$work/incident.png" "file://$work/incident.html"
chrome --no-pdf-header-footer --print-to-pdf="$work/report.pdf" "file://$work/report.html"
python3 - "$work" "$outdir" <<'EOF'
import glob, re, subprocess, sys
from PIL import Image

work, outdir = sys.argv[1], sys.argv[2]
top, inc = Image.open(f"{work}/top.png"), Image.open(f"{work}/incident.png")
shot = Image.new("RGB", (top.width, top.height + inc.height + 12), "#888888")
shot.paste(top, (0, 0))
shot.paste(inc, (0, top.height + 12))
shot.save(f"{outdir}/report-screenshot.png", optimize=True)

subprocess.run(["pdftoppm", "-png", "-r", "60", f"{work}/report.pdf", f"{work}/page"], check=True)
pages = sorted(glob.glob(f"{work}/page-*.png"))
fills = []
for path in pages:  # how far down each page the ink goes, between the margins
    im = Image.open(path).convert("L")
    w, h = im.size
    top_px, bottom_px = int(h * 16 / 297), int(h * 279 / 297)
    px, last = im.load(), top_px
    for y in range(top_px, bottom_px):
        if any(px[x, y] < 200 for x in range(0, w, 3)):
            last = y
    fills.append((last - top_px) / (bottom_px - top_px))
low = [i + 1 for i, f in enumerate(fills[:-1]) if f < 0.7]
print(f"report-screenshot: {len(pages)} printed pages; under 70% full (the last not counted): "
      f"{len(low)} {low}")
# the first page, the page with the map, and the first page of the incidents
text = subprocess.run(["pdftotext", "-layout", f"{work}/report.pdf", "-"], capture_output=True,
                      text=True, check=True).stdout.split("\f")
pick = [0]
pick += [i for i, t in enumerate(text) if "Natural Earth" in t][:1]
pick += [i for i, t in enumerate(text) if i > pick[-1] and re.search(r"(?m)^\s*Incidents\s*$", t)][:1]
shown = [Image.open(pages[i]).convert("RGB") for i in dict.fromkeys(pick) if i < len(pages)]
sheet = Image.new("RGB", (sum(p.width for p in shown) + 16 * (len(shown) + 1),
                          max(p.height for p in shown) + 32), "#888888")
x = 16
for p in shown:
    sheet.paste(p, (x, 16))
    x += p.width + 16
sheet.save(f"{outdir}/report-print.png", optimize=True)
print(f"report-screenshot: wrote {outdir}/report-screenshot.png and {outdir}/report-print.png "
      f"(pages {', '.join(str(i + 1) for i in dict.fromkeys(pick))})")
EOF
