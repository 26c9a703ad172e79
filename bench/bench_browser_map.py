"""Does the browser stay responsive with 20,000 points on the Explore page's map?

In Chromium (Debian's, headless, driven by Playwright), for 2,000 and 20,000 GloVe words:

1. hover: the mouse goes to 30 positions over the plot area (the `.nsewdrag` box cut into a
   6 × 5 grid; in each cell, onto the word nearest the cell's centre, so that a label is
   due); for each, the time from the `mousemove` event to the first animation frame with a
   Plotly hover label (`.hoverlayer .hovertext`) in the page; median, p95, labels seen;
2. pan and zoom, with a PerformanceObserver for 'longtask' entries (buffered): a 20-step
   mouse drag across the plot in pan mode (the modebar's Pan button), then three
   mouse-wheel turns and the modebar's Zoom in ×3 / Zoom out ×3; total blocking time
   (sum of each long task's duration − 50 ms), the longest task, frames per second during
   the drag (requestAnimationFrame callbacks counted in the page), and the time from
   releasing the mouse to the next frame (Plotly redraws the map on release);
3. the same on a peer: the same figure (same words, coordinates, hover texts and labels,
   made with ``word_map`` from ``project`` as the page makes it) written by ``figure_html``
   as Plotly's SVG ``scatter`` instead of ``scattergl``, opened from a file:// URL, beside
   the ``scattergl`` figure written the same way (like with like); ratios SVG ÷ WebGL.

The app is a fresh ``streamlit run app.py`` (``tests/browser/conftest.AppServer``); the map
measured there is the finished UMAP map (the "Drawn in … s" caption on screen). The
standalone pages get a viewport as wide as the app's plot, so both draw the same pixels.

Headless Chromium here has no GPU (``--disable-gpu``): WebGL is drawn in software by
SwiftShader on the same 2 cores, so every WebGL figure here is a worst case; a visitor's
browser with a GPU will do better.

    nice python bench/bench_browser_map.py                 # ~3 min
    nice python bench/bench_browser_map.py --sizes 20000 --no-app
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402 (sys.path set above)

MAP_DONE = "text=/Drawn in [0-9.]+ s/"
TIMEOUT = 180_000
GRID = (6, 5)            # hover positions: columns × rows of the plot area
PAN_STEPS = 20
STEP_PAUSE_MS = 16       # between drag steps, about a mouse's event rate
LABELLED = 30            # labels the Explore page writes on a map (pages/explore.py)

# Installed once per page with page.evaluate: long tasks, hover and drag timing, helpers.
INSTRUMENT = r"""
() => {
  if (window.__bench) return;
  const b = window.__bench = {longtasks: [], hover: {armed: false, done: true}, drag: null, gd: null};
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) b.longtasks.push([e.startTime, e.duration]);
  }).observe({type: 'longtask', buffered: true});
  const label = () => b.gd && b.gd.querySelector('.hoverlayer .hovertext');
  document.addEventListener('mousemove', e => {
    const h = b.hover;
    if (!h.armed) return;
    h.armed = false;
    const t0 = e.timeStamp;
    const tick = () => {
      const now = performance.now();
      if (label()) { h.ms = now - t0; h.done = true; }
      else if (now - t0 > 3000) { h.ms = null; h.done = true; }
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }, true);
  document.addEventListener('mousedown', e => {
    const d = b.drag;
    if (!d || !d.armed) return;
    d.armed = false; d.down = e.timeStamp; d.frames = [e.timeStamp]; d.running = true;
    const loop = t => { if (!d.running) return; d.frames.push(t); requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  }, true);
  document.addEventListener('mouseup', e => {
    const d = b.drag;
    if (!d || !d.running) return;
    d.running = false; d.up = e.timeStamp;
    requestAnimationFrame(() => { d.releaseMs = performance.now() - e.timeStamp; });
  }, true);
  b.blocking = (t0, t1) => {
    const tasks = b.longtasks.filter(([s]) => s >= t0 && s <= t1);
    return {tbt: tasks.reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0),
            longest: tasks.reduce((m, [, d]) => Math.max(m, d), 0), count: tasks.length};
  };
  b.twoFrames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}
"""

# Hover targets: the word nearest each grid cell's centre, in viewport pixels.
TARGETS = r"""
([cols, rows]) => {
  const gd = window.__bench.gd, fl = gd._fullLayout, xa = fl.xaxis, ya = fl.yaxis;
  const box = gd.querySelector('.nsewdrag').getBoundingClientRect(), g = gd.getBoundingClientRect();
  const pts = [];
  for (const t of gd._fullData) {
    if (t.visible !== true || !t.x) continue;
    for (let i = 0; i < t.x.length; i++) {
      const px = g.left + xa._offset + xa.l2p(t.x[i]), py = g.top + ya._offset + ya.l2p(t.y[i]);
      if (px > box.left + 8 && px < box.right - 8 && py > box.top + 8 && py < box.bottom - 8) pts.push([px, py]);
    }
  }
  const out = [], w = box.width / cols, h = box.height / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    const cx = box.left + (c + 0.5) * w, cy = box.top + (r + 0.5) * h;
    let best = [cx, cy], dist = Infinity;
    for (const p of pts) {
      const d = (p[0] - cx) ** 2 + (p[1] - cy) ** 2;
      if (d < dist) { dist = d; best = p; }
    }
    out.push(best);
  }
  return out;
}
"""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _box(page) -> dict:
    return page.evaluate("() => { const r = window.__bench.gd.querySelector('.nsewdrag').getBoundingClientRect();"
                         " return {x: r.left, y: r.top, width: r.width, height: r.height}; }")


def _click_modebar(page, attr: str, val: str) -> None:
    clicked = page.evaluate("([a, v]) => { const b = window.__bench.gd.querySelector("
                            "`.modebar-btn[data-attr=\"${a}\"][data-val=\"${v}\"]`); if (b) b.click(); return !!b; }",
                            [attr, val])
    if not clicked:
        raise SystemExit(f"no modebar button {attr}={val} on the map")


def measure(page) -> dict:
    """Hover, pan and zoom on ``window.__bench.gd`` (set beforehand); the figures as a dict."""
    page.evaluate("() => window.__bench.gd.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(500)
    result = {}
    # Frames per second with nothing happening: the ceiling for the drag's figure.
    result["idle_fps"] = page.evaluate("""() => new Promise(r => { let n = 0; const t0 = performance.now();
        const f = t => { n++; if (performance.now() - t0 < 1000) requestAnimationFrame(f);
                         else r(n * 1000 / (performance.now() - t0)); }; requestAnimationFrame(f); })""")

    # 1. hover
    away = (4, 4)
    latencies, shown = [], 0
    targets = page.evaluate(TARGETS, list(GRID))
    t0 = page.evaluate("() => performance.now()")
    for x, y in targets:
        page.mouse.move(*away)
        page.wait_for_function("() => !window.__bench.gd.querySelector('.hoverlayer .hovertext')", timeout=10_000)
        page.evaluate("() => { window.__bench.hover = {armed: true, done: false}; }")
        page.mouse.move(x, y)
        hover = page.wait_for_function("() => window.__bench.hover.done && window.__bench.hover",
                                       timeout=10_000).json_value()
        if hover.get("ms") is not None:
            shown += 1
            latencies.append(hover["ms"])
    page.mouse.move(*away)
    hover_block = page.evaluate("t0 => window.__bench.blocking(t0, performance.now())", t0)
    result["hover"] = dict(positions=len(targets), shown=shown,
                           median=statistics.median(latencies) if latencies else None,
                           p95=_pct(latencies, 0.95) if latencies else None,
                           max=max(latencies) if latencies else None, longest_task=hover_block["longest"])

    # 2a. pan: a 20-step drag from 30% to 70% of the plot's width, in pan mode
    _click_modebar(page, "dragmode", "pan")
    box = _box(page)
    y0 = box["y"] + box["height"] * 0.5
    x0, x1 = box["x"] + box["width"] * 0.3, box["x"] + box["width"] * 0.7
    range_before = page.evaluate("() => window.__bench.gd._fullLayout.xaxis.range.slice()")
    page.mouse.move(x0, y0)
    page.wait_for_timeout(300)
    t0 = page.evaluate("() => { window.__bench.drag = {armed: true}; return performance.now(); }")
    page.mouse.down()
    for step in range(1, PAN_STEPS + 1):
        page.mouse.move(x0 + (x1 - x0) * step / PAN_STEPS, y0 + 40 * step / PAN_STEPS)
        page.wait_for_timeout(STEP_PAUSE_MS)
    page.mouse.up()
    page.wait_for_timeout(1_500)
    drag = page.evaluate("""t0 => { const b = window.__bench, d = b.drag, f = d.frames;
        const inside = f.filter(t => t <= d.up);
        let gap = 0; for (let i = 1; i < inside.length; i++) gap = Math.max(gap, inside[i] - inside[i - 1]);
        gap = Math.max(gap, d.up - inside[inside.length - 1]);
        return {ms: d.up - d.down, frames: inside.length - 1, gap, releaseMs: d.releaseMs,
                range: b.gd._fullLayout.xaxis.range.slice(), ...b.blocking(t0, performance.now())}; }""", t0)
    result["pan"] = dict(ms=drag["ms"], fps=drag["frames"] * 1000 / drag["ms"], worst_frame=drag["gap"],
                         release=drag["releaseMs"], tbt=drag["tbt"], longest=drag["longest"],
                         moved=drag["range"] != range_before)

    # 2b. zoom: three wheel turns over the plot, then the modebar's Zoom in ×3 / Zoom out ×3
    t0 = page.evaluate("() => performance.now()")
    range_before = page.evaluate("() => window.__bench.gd._fullLayout.xaxis.range.slice()")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(3):
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(400)
    wheel_zoomed = page.evaluate("() => window.__bench.gd._fullLayout.xaxis.range.slice()") != range_before
    steps = []
    for val in ("in", "in", "in", "out", "out", "out"):
        steps.append(page.evaluate("""async v => { const b = window.__bench;
            const btn = b.gd.querySelector(`.modebar-btn[data-attr="zoom"][data-val="${v}"]`);
            const t = performance.now(); btn.click(); await b.twoFrames(); return performance.now() - t; }""", val))
        page.wait_for_timeout(300)
    zoom_block = page.evaluate("t0 => window.__bench.blocking(t0, performance.now())", t0)
    result["zoom"] = dict(wheel_zoomed=wheel_zoomed, step_median=statistics.median(steps), step_max=max(steps),
                          tbt=zoom_block["tbt"], longest=zoom_block["longest"])
    page.mouse.move(*away)
    return result


def webgl_renderer(page) -> str:
    return page.evaluate("""() => { const gl = document.createElement('canvas').getContext('webgl');
        if (!gl) return 'no WebGL';
        const info = gl.getExtension('WEBGL_debug_renderer_info');
        return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER); }""")


def build_pages(folder: Path, sizes: list[int]) -> dict:
    """For each size: the map as the Explore page makes it, in scattergl and SVG scatter HTML files."""
    import plotly.graph_objects as go

    from embedlab.maps.figures import figure_html, readable_labels, word_map
    from embedlab.maps.projection import project
    from embedlab.vectors.io import load_default_vectors
    from embedlab.maps.umap.neighbours import nearest_neighbours

    vectors = load_default_vectors()
    pages = {}
    for n in sizes:
        started = time.perf_counter()
        words = list(vectors.words[:n])
        subset = vectors.subset(words)  # as the page does: a contiguous copy (a map can depend on the layout)
        projection = project(subset.vectors, trust=False)
        neighbours = nearest_neighbours(subset.unit_vectors, 5)
        fig = word_map(words, projection.coords, neighbours,
                       labelled=readable_labels(words, projection.coords, LABELLED),
                       title=f"{vectors.name}: {n:,} words, UMAP 2D")
        svg = go.Figure(data=[go.Scatter({k: v for k, v in trace.to_plotly_json().items() if k != "type"})
                              for trace in fig.data], layout=fig.layout)
        paths = {}
        for kind, figure in (("scattergl", fig), ("scatter", svg)):
            paths[kind] = folder / f"map_{n}_{kind}.html"
            paths[kind].write_bytes(figure_html(figure))
        pages[n] = dict(paths=paths, coords=projection.coords)
        print(f"standalone pages, {n:,} words: map and HTML in {time.perf_counter() - started:.1f} s "
              f"({paths['scattergl'].stat().st_size / 1e6:.1f} MB each)", flush=True)
    return pages


def _find_map(page, n: int) -> None:
    """Point ``window.__bench.gd`` at the finished UMAP map of ``n`` words."""
    found = page.evaluate("""n => { const gds = Array.from(document.querySelectorAll('.js-plotly-plot'));
        const gd = gds.find(g => g._fullLayout && g._fullData
            && g._fullData.reduce((s, t) => s + (t.x && t.x.length ? t.x.length : 0), 0) === n
            && /UMAP/.test(((g._fullLayout.title || {}).text) || ''));
        window.__bench.gd = gd || null; return !!gd; }""", n)
    if not found:
        raise SystemExit(f"no finished UMAP map of {n:,} words found on the page")


def app_runs(browser, folder: Path, sizes: list[int], pages: dict) -> tuple[dict, int]:
    """Measure on the Explore page of a fresh server; returns (results by size, the plot's width)."""
    import numpy as np

    server = AppServer(folder / "runs", folder / "streamlit.log")
    server.start()
    results, width = {}, 0
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server.url}/explore")
        page.locator(MAP_DONE).first.wait_for()
        page.evaluate(INSTRUMENT)
        print(f"WebGL renderer in this Chromium: {webgl_renderer(page)}", flush=True)
        for n in sizes:
            if n != 2_000:
                box = page.get_by_role("spinbutton", name="How many (most frequent first)")
                box.fill(str(n))
                box.press("Enter")
                page.wait_for_timeout(300)
                page.locator(f"text=/UMAP of {n:,} words/").or_(page.locator(MAP_DONE)).first.wait_for()
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
            page.locator(MAP_DONE).first.wait_for()
            page.wait_for_timeout(1_000)
            _find_map(page, n)
            width = round(page.evaluate("() => window.__bench.gd.getBoundingClientRect().width"))
            if n in pages:
                drawn = page.evaluate("() => { const t = window.__bench.gd._fullData[0]; "
                                      "return [Array.from(t.x), Array.from(t.y)]; }")
                diff = float(np.max(np.abs(np.asarray(drawn).T - pages[n]["coords"])))
                print(f"app map, {n:,} words: plot {width} px wide; coordinates differ from the standalone "
                      f"pages' by at most {diff:.2g}", flush=True)
            results[n] = measure(page)
            print(f"  measured app, {n:,} words", flush=True)
        context.close()
    finally:
        server.stop()
    return results, width


def standalone_runs(browser, pages: dict, width: int) -> dict:
    results = {}
    for n, entry in pages.items():
        for kind, path in entry["paths"].items():
            context = browser.new_context(viewport={"width": width + 16, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(TIMEOUT)
            started = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("() => { const g = document.querySelector('.js-plotly-plot');"
                                   " return g && g._fullLayout && g.querySelector('.nsewdrag'); }")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            load = time.perf_counter() - started
            page.evaluate(INSTRUMENT)
            page.evaluate("() => { window.__bench.gd = document.querySelector('.js-plotly-plot'); }")
            results[(n, kind)] = measure(page)
            results[(n, kind)]["load"] = load
            print(f"  measured standalone {kind}, {n:,} words (opened and drawn in {load:.1f} s)", flush=True)
            context.close()
    return results


ROWS = [
    ("hover: labels shown / positions", lambda r: f"{r['hover']['shown']}/{r['hover']['positions']}", None),
    ("hover latency, median (ms)", lambda r: r["hover"]["median"], "hover.median"),
    ("hover latency, p95 (ms)", lambda r: r["hover"]["p95"], "hover.p95"),
    ("hover: longest task (ms)", lambda r: r["hover"]["longest_task"], "hover.longest_task"),
    ("idle frame rate (fps)", lambda r: r["idle_fps"], None),
    ("pan: the view moved", lambda r: "yes" if r["pan"]["moved"] else "no", None),
    ("pan drag: duration (ms)", lambda r: r["pan"]["ms"], "pan.ms"),
    ("pan drag: frames per second", lambda r: r["pan"]["fps"], None),
    ("pan drag: worst frame gap (ms)", lambda r: r["pan"]["worst_frame"], "pan.worst_frame"),
    ("pan: release → next frame (ms)", lambda r: r["pan"]["release"], "pan.release"),
    ("pan: total blocking time (ms)", lambda r: r["pan"]["tbt"], "pan.tbt"),
    ("pan: longest task (ms)", lambda r: r["pan"]["longest"], "pan.longest"),
    ("zoom: wheel changed the axes", lambda r: "yes" if r["zoom"]["wheel_zoomed"] else "no", None),
    ("zoom button → drawn, median (ms)", lambda r: r["zoom"]["step_median"], "zoom.step_median"),
    ("zoom button → drawn, max (ms)", lambda r: r["zoom"]["step_max"], "zoom.step_max"),
    ("zoom: total blocking time (ms)", lambda r: r["zoom"]["tbt"], "zoom.tbt"),
    ("zoom: longest task (ms)", lambda r: r["zoom"]["longest"], "zoom.longest"),
]


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _ratio(svg, gl) -> str:
    if svg is None or gl is None or isinstance(svg, str):
        return ""
    if gl <= 0:
        return "—" if svg <= 0 else "∞ (WebGL 0)"
    return f"{svg / gl:.2f}×"


def report(sizes, app, standalone) -> None:
    for n in sizes:
        columns = []
        if n in app:
            columns.append(("app (scattergl)", app[n]))
        columns += [("file scattergl", standalone[(n, "scattergl")]), ("file SVG scatter", standalone[(n, "scatter")])]
        print(f"\n{n:,} words")
        header = f"{'':34}" + "".join(f"{name:>18}" for name, _ in columns) + f"{'SVG ÷ WebGL':>14}"
        print(header)
        print("-" * len(header))
        rows = ROWS + [("opened → drawn (s)", lambda r: r.get("load"), "load")]
        for label, get, ratio_key in rows:
            values = [get(r) for _, r in columns]
            ratio = _ratio(values[-1], values[-2]) if ratio_key else ""
            print(f"{label:34}" + "".join(f"{_cell(v):>18}" for v in values) + f"{ratio:>14}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--no-app", action="store_true", help="only the standalone pages")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
    print("Headless Chromium, --disable-gpu: WebGL is drawn in software (SwiftShader) on the CPU; "
          "a visitor's browser with a GPU will do better.", flush=True)
    with tempfile.TemporaryDirectory() as name, sync_playwright() as playwright:
        folder = Path(name)
        pages = build_pages(folder, args.sizes)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        app, width = ({}, 1_000) if args.no_app else app_runs(browser, folder, args.sizes, pages)
        standalone = standalone_runs(browser, pages, width)
        browser.close()
    report(args.sizes, app, standalone)
    print(f"\nhover: {GRID[0] * GRID[1]} positions, each on the word nearest a {GRID[0]}×{GRID[1]} grid cell's "
          f"centre; latency = mousemove → first frame with a hover label. pan: {PAN_STEPS} steps ~{STEP_PAUSE_MS} ms "
          f"apart over 40% of the plot's width. Total blocking time = sum of (long task − 50 ms).")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"whole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
