"""How long a person waits for a map on the Explore page, in Chromium, on a just-started server.

Visits, each on a freshly started ``streamlit run app.py``:

1. ``/explore`` is the very first request the server gets (nothing warmed up before it),
   numba's on-disk cache as this machine has it (as after a server restart);
2. the Data page is opened first, and Explore clicked 3 s later (what a person does);
3. on that same server, later maps: 10,000 and 20,000 words, as the page reports and as
   the browser sees them (request → map and its trust caption on screen);
4. with ``--empty-cache``, visits 1 and 2 again on servers with an empty ``NUMBA_CACHE_DIR``:
   a brand-new install, whose first server compiles every kernel once.

Times are from the request (or click) until the finished UMAP map's caption ("Drawn in …")
is on screen; the PCA preview's arrival is printed too. umap-learn has no page to compare
with; ``bench_projection.py`` compares the maps themselves with umap-learn's defaults.

    nice python bench/bench_first_map.py
    nice python bench/bench_first_map.py --empty-cache     # also a brand-new install's first server
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402 (sys.path set above)

MAP_DONE = "text=/Drawn in [0-9.]+ s/"
TIMEOUT = 180_000


UMAP_TITLE = ".js-plotly-plot .gtitle"  # only the finished map has a title ("…, UMAP 2D"); the preview none


def _wait_for_map(page, started: float) -> tuple[float | None, float | None, float, str]:
    """(seconds to the first chart, to the UMAP map, to its trust caption; the caption)."""
    preview = umap_map = None
    deadline = time.perf_counter() + TIMEOUT / 1000
    while time.perf_counter() < deadline:
        if preview is None and page.locator(".js-plotly-plot").count():
            preview = time.perf_counter() - started
        if umap_map is None and page.locator(UMAP_TITLE).filter(has_text="UMAP").count():
            umap_map = time.perf_counter() - started
        caption = page.locator(MAP_DONE)
        if caption.count():
            return preview, umap_map, time.perf_counter() - started, caption.first.inner_text()
        page.wait_for_timeout(50)
    raise SystemExit("no finished map within 180 s")


def _visit(browser, url: str, label: str, click_explore_after: float | None = None) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    started = time.perf_counter()
    if click_explore_after is None:
        page.goto(f"{url}/explore")
    else:
        page.goto(url)
        page.wait_for_timeout(click_explore_after * 1000)
        started = time.perf_counter()
        page.get_by_test_id("stSidebarNav").get_by_text("Explore").click()
    preview, umap_map, done, caption = _wait_for_map(page, started)
    print(f"{label}: first chart {_seconds(preview)}, UMAP map {_seconds(umap_map)}, with its trust caption "
          f"{done:.1f} s ({_drawn_in(caption)})", flush=True)
    return page, context


def _seconds(value: float | None) -> str:
    return "none seen" if value is None else f"{value:.1f} s"


def _drawn_in(caption: str) -> str:
    match = re.search(r"Drawn in [0-9.]+ s", caption)
    return f"page: {match.group(0)}" if match else caption


def _later_maps(page) -> None:
    for n in (10_000, 20_000):
        box = page.get_by_role("spinbutton", name="How many (most frequent first)")
        box.fill(str(n))
        started = time.perf_counter()
        box.press("Enter")
        page.wait_for_timeout(300)
        page.locator(f"text=/UMAP of {n:,} words/").or_(page.locator(MAP_DONE)).first.wait_for(timeout=TIMEOUT)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT)
        _, _, done, caption = _wait_for_map(page, started)
        print(f"later map, {n:,} words: on screen after {done:.1f} s ({_drawn_in(caption)})", flush=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--empty-cache", action="store_true",
                        help="also visit servers with an empty numba cache (a brand-new install)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    caches = ["as this machine has it"] + (["empty"] if args.empty_cache else [])
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for cache in caches:
            for visit in ("first request", "after the Data page"):
                if cache == "empty":  # each server of a brand-new install starts with nothing compiled
                    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(dir=folder, prefix="numba-")
                server = AppServer(Path(folder) / "runs", Path(folder) / "streamlit.log")
                server.start()
                try:
                    label = f"[numba cache {cache}] "
                    if visit == "first request":
                        page, context = _visit(browser, server.url, label + "/explore as the server's first request")
                    else:
                        page, context = _visit(browser, server.url, label + "Data page, Explore clicked 3 s later",
                                               click_explore_after=3.0)
                        if cache != "empty":
                            _later_maps(page)
                    context.close()
                finally:
                    server.stop()
            os.environ.pop("NUMBA_CACHE_DIR", None)
        browser.close()
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
