"""The README's screenshots of the Train, Explore and Analogies pages, at 1280×720 and 1440×900.

Run against a running server (``streamlit run app.py``) with an empty workspace:

    python -m tests.browser.readme_screenshots http://127.0.0.1:8501
    python -m tests.browser.readme_screenshots http://127.0.0.1:8501 1280x720 explore_100000_words

It trains one short run on Rotten Tomatoes (average pooling, 2 epochs) so the Train page has
results to show, then takes each page as a visitor first sees its result, into ``assets/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, wait_until_idle

ASSETS = Path(__file__).resolve().parents[2] / "assets"
SIZES = [(1280, 720), (1440, 900)]
SLOW = 300_000
WORKSPACE = "readme-screenshots"


def scroll_to(page, locator, above: int = 0) -> None:
    """Scroll Streamlit's main container so ``locator`` starts ``above`` pixels below the top of the view."""
    locator.evaluate("(node, above) => { node.scrollIntoView({block: 'start'}); "
                     "const main = document.querySelector('[data-testid=\"stMain\"]'); "
                     "if (main) main.scrollBy(0, -above); }", above)
    page.wait_for_timeout(800)


def train_once(page, url: str) -> None:
    """Load Rotten Tomatoes on the Data page, then train average pooling for 2 epochs."""
    page.goto(f"{url}/data?workspace={WORKSPACE}")
    wait_until_idle(page, SLOW)
    page.get_by_text("Rotten Tomatoes", exact=False).first.click()
    page.get_by_role("button", name="Load", exact=True).click()
    page.get_by_role("heading", name="Current dataset: Rotten Tomatoes", exact=False).wait_for(timeout=SLOW)
    wait_until_idle(page, SLOW)
    page.get_by_test_id("stSidebarNav").get_by_text("Train", exact=True).click()
    panel = page.get_by_role("tabpanel").first  # the Train tab (others, like Study, have widgets of the same names)
    panel.get_by_role("button", name="Train", exact=True).wait_for(timeout=SLOW)
    wait_until_idle(page, SLOW)
    panel.get_by_test_id("stSelectbox").filter(has_text="Encoder").first.click()
    page.get_by_role("option", name="Average pooling", exact=True).click()
    wait_until_idle(page, SLOW)
    epochs = panel.get_by_label("Epochs", exact=True).first
    epochs.fill("2")
    epochs.press("Enter")
    wait_until_idle(page, SLOW)
    panel.get_by_role("button", name="Train", exact=True).click()
    page.get_by_role("heading", name="Results:", exact=False).wait_for(timeout=SLOW)
    wait_until_idle(page, SLOW)


def train(page, url: str) -> None:
    """The Train page after a training (each screen size is a new session, so it trains again): its results."""
    train_once(page, url)
    page.wait_for_timeout(1_500)
    scroll_to(page, page.get_by_role("heading", name="Results:", exact=False), above=180)


def explore(page, url: str) -> None:
    page.goto(f"{url}/explore?workspace={WORKSPACE}")
    wait_until_idle(page, SLOW)
    page.get_by_text("Trustworthiness at k=10").wait_for(timeout=SLOW)
    wait_until_idle(page, SLOW)
    scroll_to(page, page.locator(".js-plotly-plot").first, above=90)  # the map and its title, beside the settings


def large_map(page, url: str) -> None:
    """Explore's largest map, by its view link: the 100,000 most frequent GloVe words by UMAP, "queen" found on it."""
    page.goto(f"{url}/explore?workspace={WORKSPACE}&top_n=100000&search=queen")
    wait_until_idle(page, SLOW)
    page.get_by_text("Trustworthiness at k=15 on a fixed sample").wait_for(timeout=SLOW)
    wait_until_idle(page, SLOW)
    page.wait_for_timeout(2_000)  # 100,000 WebGL points: let them paint
    scroll_to(page, page.locator(".js-plotly-plot").first, above=90)


def analogies(page, url: str) -> None:
    page.goto(f"{url}/analogies?workspace={WORKSPACE}")
    wait_until_idle(page, SLOW)
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=SLOW)
    page.wait_for_timeout(1_500)  # the answer tables are canvas grids: let them paint
    scroll_to(page, page.get_by_text("Every change applies at once"), above=8)


def shoot(url: str, pages: dict) -> None:
    from playwright.sync_api import sync_playwright

    ASSETS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width, height in SIZES:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(SLOW)
            for name, show in pages.items():
                show(page, url)
                page.screenshot(path=str(ASSETS / f"{name}_{width}x{height}.png"))
            context.close()
        browser.close()


PAGES = {"train": train, "explore": explore, "analogies": analogies, "explore_100000_words": large_map}
README_PAGES = ["train", "explore", "analogies"]

if __name__ == "__main__":
    # An optional second argument, e.g. 1280x720, takes one screen size only; a third names the pictures
    # (comma-separated, from PAGES), e.g. explore_100000_words for the largest map.
    if len(sys.argv) > 2:
        SIZES[:] = [tuple(int(part) for part in sys.argv[2].split("x"))]
    names = sys.argv[3].split(",") if len(sys.argv) > 3 else README_PAGES
    shoot(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501", {name: PAGES[name] for name in names})
