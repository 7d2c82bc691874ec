#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_report_dom.py - the report as a browser shows it.

    python3 test_report_dom.py VFIO-PM-BENCH

Draws the report of the fixture platform (bench/tests/fixtures/runs), opens
its index.html in headless Chromium and checks the DOM Chromium built:

- the low-power figures say the state reached: D3cold for the device behind
  the bridge (01:00.0), D3hot for the D3hot-only one (00:04.0), in their
  titles and data-dstate, and the section heading names both;
- every low-power exit figure has its entry-latency figure in the same row;
- one colour per variant: in every figure, what each variant's plots draw
  (strokes, fills, point colours of the inline SVG) is the legend's colour
  of that variant, and no two variants share one;
- error bars on contention: each point of each variant has a vertical
  segment through it;
- every figure is drawn inline, no number carries float noise, nothing is
  fetched from the network.

Needs gnuplot and chromium: without them it exits 77 (skipped), or fails
when VPB_STRICT=1 (CI, run-tests.sh). Exit 1 with the reasons on failure.
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PLAT = "qemu-q35-tcg-icount"
NEWEST = "20261125T014317Z-vm"

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)
    return cond


def rgb(s):
    """'rgb( 85,  85,  85)' or '#555555' -> '#555555'; None for black, white, none."""
    s = s.strip()
    m = re.fullmatch(r"rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\)", s)
    if m:
        s = "#%02x%02x%02x" % tuple(int(x) for x in m.groups())
    s = s.lower()
    if not re.fullmatch(r"#[0-9a-f]{6}", s) or s in ("#000000", "#ffffff"):
        return None
    return s


class Dom(html.parser.HTMLParser):
    """The figures, rows, legend and headings of the report's DOM."""

    def __init__(self):
        super().__init__()
        self.figs = []  # {attrs, title, plots: {n: {colors, d, points}}, row, svg}
        self.legend = {}
        self.h2 = []
        self.text = []
        self.fig = None
        self.plot = None  # (figure, plot number, depth of its <g>)
        self.gdepth = 0
        self.rows = 0
        self.in_b = self.in_h2 = self.in_caption = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and a.get("class") == "row":
            self.rows += 1
        if tag == "li" and "data-variant" in a:
            self.legend[a["data-variant"]] = a["data-color"].lower()
        if tag == "h2":
            self.in_h2 = True
            self.h2.append("")
        if tag == "figure" and "fig" in a.get("class", "").split():
            self.fig = {"attrs": a, "title": "", "plots": {}, "row": self.rows, "svg": False}
            self.figs.append(self.fig)
        if self.fig is None:
            return
        if tag == "svg":
            self.fig["svg"] = True
        if tag == "figcaption":
            self.in_caption = True
        if tag == "b" and self.in_caption:
            self.in_b = True
        if tag == "g":
            self.gdepth += 1
            m = re.search(r"gnuplot_plot_(\d+)$", a.get("id", ""))
            if m:
                n = int(m.group(1))
                self.plot = (n, self.gdepth)
                self.fig["plots"].setdefault(n, {"colors": set(), "d": [], "points": []})
        if self.plot:
            p = self.fig["plots"][self.plot[0]]
            if tag == "path":
                c = rgb(a.get("stroke", ""))
                if c:
                    p["colors"].add(c)
                    p["d"].append(a.get("d", ""))
            if tag == "polygon" and rgb(a.get("fill", "")):
                p["colors"].add(rgb(a["fill"]))
            if tag == "use" and rgb(a.get("color", "")):
                p["colors"].add(rgb(a["color"]))
                m = re.search(r"translate\(([-\d.]+),([-\d.]+)\)", a.get("transform", ""))
                if m:
                    p["points"].append((float(m.group(1)), float(m.group(2))))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "g":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "h2":
            self.in_h2 = False
        if tag == "figure":
            self.fig = None
            self.plot = None
        if tag == "figcaption":
            self.in_caption = False
        if tag == "b":
            self.in_b = False
        if tag == "g" and self.fig is not None:
            if self.plot and self.plot[1] == self.gdepth:
                self.plot = None
            self.gdepth -= 1

    def handle_data(self, data):
        if self.in_h2:
            self.h2[-1] += data
        if self.in_b and self.fig is not None:
            self.fig["title"] += data
        if self.fig is None or not self.fig["svg"]:
            self.text.append(data)


def segments(d):
    """The straight segments of an SVG path of M and L commands."""
    out, cur = [], None
    for cmd, x, y in re.findall(r"([ML])\s*([-\d.]+),([-\d.]+)", d):
        p = (float(x), float(y))
        if cmd == "L" and cur:
            out.append((cur, p))
        cur = p
    return out


def has_bar(point, segs):
    """A vertical segment through @point (an error bar)."""
    x, y = point
    for (x1, y1), (x2, y2) in segs:
        if abs(x1 - x) < 0.05 and abs(x2 - x) < 0.05 and abs(y1 - y2) > 0.5 \
                and min(y1, y2) - 0.05 <= y <= max(y1, y2) + 0.05:
            return True
    return False


def main():
    binary = sys.argv[1]
    strict = os.environ.get("VPB_STRICT") == "1"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser or not shutil.which("gnuplot"):
        print("chromium (Debian: chromium) or gnuplot (gnuplot-nox) not installed")
        return 1 if strict else 77
    tmp = tempfile.mkdtemp(prefix="vpb-dom-")
    try:
        plat = os.path.join(tmp, PLAT)
        shutil.copytree(os.path.join(HERE, "fixtures/runs", PLAT), plat)
        p = subprocess.run([binary, "report", plat], capture_output=True, text=True)
        if p.returncode:
            print(f"report failed ({p.returncode}): {p.stderr}")
            return 1
        index = os.path.join(plat, NEWEST, "report/index.html")
        profile = os.path.join(tmp, "profile")
        p = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=10000",
             "--dump-dom", "file://" + index],
            capture_output=True, text=True, timeout=300)
        dom_text = p.stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not check(p.returncode == 0 and "</html>" in dom_text,
                 f"chromium failed ({p.returncode}): {p.stderr[-2000:]}"):
        return report()
    dom = Dom()
    dom.feed(dom_text)
    figs = dom.figs
    by_id = {f["attrs"]["id"]: f for f in figs}
    check(len(figs) >= 10, f"{len(figs)} figures")

    # Every figure drawn inline.
    for f in figs:
        check(f["svg"], f"{f['attrs']['id']}: no inline SVG")

    # The D-state reached, in titles, data-dstate and the section heading.
    for dev, state, other in (("01-00.0", "D3cold", "D3hot"), ("00-04.0", "D3hot", "D3cold")):
        for kind in ("exit", "entry"):
            f = by_id.get(f"fig-d3cold.exit.{dev}.{kind}")
            if not check(f, f"no {kind} figure of d3cold.exit.{dev}"):
                continue
            check(f["attrs"].get("data-dstate") == state,
                  f"{f['attrs']['id']}: data-dstate {f['attrs'].get('data-dstate')!r}, not {state}")
            check(state in f["title"] and other not in f["title"],
                  f"{f['attrs']['id']}: title {f['title']!r} does not say {state} alone")
    check(any("D3cold" in h and "D3hot" in h for h in dom.h2),
          f"no heading names D3cold and D3hot: {dom.h2}")

    # Entry latency beside exit: every exit figure's row holds an entry figure.
    exits = [f for f in figs if f["attrs"].get("data-kind") == "exit"]
    check(len(exits) == 2, f"{len(exits)} exit figures, expected 2")
    for f in exits:
        check(any(g["attrs"].get("data-kind") == "entry" and g["row"] == f["row"] for g in figs),
              f"{f['attrs']['id']}: no entry-latency figure in its row")

    # One colour per variant, the legend's, in every figure.
    legend = dom.legend
    check(set(legend) == {"no-get", "upstream", "v4"}, f"legend {legend}")
    check(len(set(legend.values())) == len(legend), f"variants share a colour: {legend}")
    seen = {v: set() for v in legend}
    for f in figs:
        variants = f["attrs"].get("data-variants", "").split()
        colors = f["attrs"].get("data-colors", "").lower().split()
        check(colors == [legend.get(v) for v in variants],
              f"{f['attrs']['id']}: data-colors {colors} for {variants}")
        for n, plot in f["plots"].items():
            if not plot["colors"] or not variants:
                continue
            v = variants[(n - 1) % len(variants)]
            seen[v].add(f["attrs"]["id"])
            check(plot["colors"] == {legend[v]},
                  f"{f['attrs']['id']}: plot {n} ({v}) drawn in {sorted(plot['colors'])}, "
                  f"the legend says {legend[v]}")
    for v, where in seen.items():
        check(len(where) >= 5, f"{v}: drawn in only {len(where)} figures")

    # Error bars on contention points.
    cont = [f for f in figs if f["attrs"].get("data-kind") == "contention"]
    check(len(cont) == 1, f"{len(cont)} contention figures")
    for f in cont:
        variants = f["attrs"]["data-variants"].split()
        check(variants == ["no-get", "upstream"], f"contention variants {variants}")
        for i, v in enumerate(variants, start=1):
            plot = f["plots"].get(i, {"points": [], "d": []})
            segs = [s for d in plot["d"] for s in segments(d)]
            bars = [pt for pt in plot["points"] if has_bar(pt, segs)]
            check(len(bars) >= 2,
                  f"contention {v}: {len(bars)} of the 2 thread points have an error bar")

    # Numbers for people, and nothing from the network.
    text = " ".join(dom.text)
    noise = re.findall(r"\d\.\d{9,}", text)
    check(not noise, f"float noise in the page: {noise[:5]}")
    check("D3hot" in text, "D3hot nowhere in the page's text")
    check(not re.search(r"""(src|href)=["']https?:""", dom_text), "a network fetch")
    return report()


def report():
    for p in problems:
        print("FAIL:", p)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
