#!/usr/bin/env python3
"""Plots rate-follow.sh's series.csv as an SVG: the link (8 -> 2 -> 8 Mbit/s), the rate
asked of the capture, the feed's bitrate, and the p95 latency on a second axis."""
import csv
import sys

src, dst = sys.argv[1], sys.argv[2]
rows = [r for r in csv.DictReader(l for l in open(src) if not l.startswith('#'))]
t = [float(r['t_s']) for r in rows]
W, H, L, B, T = 720, 360, 60, 40, 20


def link(x):
    return 2e6 if 10 <= x < 20 else 8e6


def x_of(v):
    return L + (W - L - 60) * v / 30.0


def y_rate(v):
    return H - B - (H - B - T) * min(v, 10e6) / 10e6


def y_ms(v):
    return H - B - (H - B - T) * min(v, 400) / 400


def line(points, colour, dash=''):
    pts = ' '.join(f'{a:.1f},{b:.1f}' for a, b in points)
    return f'<polyline fill="none" stroke="{colour}" stroke-width="2" {dash} points="{pts}"/>'


steps = [(x_of(0), y_rate(8e6)), (x_of(10), y_rate(8e6)), (x_of(10), y_rate(2e6)), (x_of(20), y_rate(2e6)),
         (x_of(20), y_rate(8e6)), (x_of(30), y_rate(8e6))]
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       '<rect width="100%" height="100%" fill="white"/>',
       f'<line x1="{L}" y1="{H-B}" x2="{W-60}" y2="{H-B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>',
       f'<line x1="{W-60}" y1="{T}" x2="{W-60}" y2="{H-B}" stroke="black"/>']
for m in range(0, 11, 2):
    svg.append(f'<text x="{L-8}" y="{y_rate(m*1e6)+4:.0f}" text-anchor="end">{m}</text>')
for ms in range(0, 401, 100):
    svg.append(f'<text x="{W-52}" y="{y_ms(ms)+4:.0f}">{ms}</text>')
for s in range(0, 31, 5):
    svg.append(f'<text x="{x_of(s):.0f}" y="{H-B+16}" text-anchor="middle">{s}</text>')
svg += [f'<text x="{(W)/2}" y="{H-6}" text-anchor="middle">seconds</text>',
        f'<text x="14" y="{T+150}" transform="rotate(-90 14 {T+150})" text-anchor="middle">Mbit/s</text>',
        f'<text x="{W-14}" y="{T+150}" transform="rotate(90 {W-14} {T+150})" text-anchor="middle">p95 ms</text>',
        line(steps, '#999', 'stroke-dasharray="6,4"'),
        line([(x_of(a), y_rate(float(r['requested_bps']))) for a, r in zip(t, rows) if float(r['requested_bps']) > 0], '#d62728'),
        line([(x_of(a), y_rate(float(r['feed_bps']))) for a, r in zip(t, rows) if float(r['feed_bps']) >= 0], '#1f77b4'),
        line([(x_of(a), y_ms(float(r['p95_ms']))) for a, r in zip(t, rows)], '#2ca02c'),
        f'<text x="{L+10}" y="{T+14}" fill="#999">link</text>',
        f'<text x="{L+50}" y="{T+14}" fill="#d62728">asked of the encoder</text>',
        f'<text x="{L+190}" y="{T+14}" fill="#1f77b4">feed bitrate</text>',
        f'<text x="{L+290}" y="{T+14}" fill="#2ca02c">p95 capture to receive (right)</text>',
        '</svg>']
open(dst, 'w').write('\n'.join(svg) + '\n')
