#!/usr/bin/env python3
"""Plots the report's and the baseline scan's time against disclosures from hyperfine's JSON
exports (report.sh), as a self-contained SVG with log-log axes. Standard library only."""
import json
import math
import pathlib
import sys

results, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
series = {"report": [], "baseline": []}
for path in sorted(results.glob("hyperfine-*.json")):
    n = int(path.stem.split("-")[1])
    for run in json.loads(path.read_text())["results"]:
        kind = run["command"].split()[0]
        series[kind].append((n, run["mean"], run["stddev"] or 0.0))
for points in series.values():
    points.sort()

W, H, L, B, T, R = 640, 400, 70, 50, 30, 150
xs = [p[0] for s in series.values() for p in s]
ys = [p[1] for s in series.values() for p in s]
x0, x1 = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
px = lambda n: L + (math.log10(n) - x0) / (x1 - x0) * (W - L - R)
py = lambda t: H - B - (math.log10(t) - y0) / (y1 - y0) * (H - B - T)

svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W/2}" y="18" text-anchor="middle" font-size="14">khata-pool report: time against disclosures (log-log)</text>']
for e in range(int(y0), int(y1) + 1):
    y = py(10 ** e)
    svg.append(f'<line x1="{L}" x2="{W-R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
    svg.append(f'<text x="{L-6}" y="{y+4:.1f}" text-anchor="end">{10**e:g} s</text>')
for n in sorted(set(xs)):
    x = px(n)
    svg.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{T}" y2="{H-B}" stroke="#ddd"/>')
    svg.append(f'<text x="{x:.1f}" y="{H-B+16}" text-anchor="middle">{n/1e6:g}M</text>')
svg.append(f'<text x="{(L+W-R)/2}" y="{H-12}" text-anchor="middle">disclosures</text>')
colours = {"report": "#8a2d1f", "baseline": "#1f5a8a"}
labels = {"report": "standard report (7 SQL files, HTML)", "baseline": "one scan grouped by lender, signal"}
for i, (kind, points) in enumerate(series.items()):
    c = colours[kind]
    path = " ".join(f"{px(n):.1f},{py(t):.1f}" for n, t, _ in points)
    svg.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"/>')
    for n, t, _ in points:
        svg.append(f'<circle cx="{px(n):.1f}" cy="{py(t):.1f}" r="3.5" fill="{c}"/>')
        svg.append(f'<text x="{px(n)+6:.1f}" y="{py(t)-6:.1f}" fill="{c}">{t:.2f} s</text>')
    svg.append(f'<rect x="{W-R+10}" y="{T+20*i}" width="12" height="12" fill="{c}"/>')
    svg.append(f'<text x="{W-R+26}" y="{T+20*i+10}" font-size="10">{kind}</text>')
# Linear growth reference: slope 1 through the report's first point.
if series["report"]:
    n0, t0, _ = series["report"][0]
    n1 = max(xs)
    svg.append(f'<line x1="{px(n0):.1f}" y1="{py(t0):.1f}" x2="{px(n1):.1f}" y2="{py(t0*n1/n0):.1f}" '
               f'stroke="#999" stroke-dasharray="4 4"/>')
    svg.append(f'<text x="{W-R+10}" y="{T+50}" font-size="10" fill="#666">dashed: linear</text>')
svg.append("</svg>")
out.write_text("\n".join(svg) + "\n")
print(out)
