"""Predict's live box, spoken to in Streamlit's own protocol: a keystroke reruns its fragment, not the page.

AppTest always reruns the whole script, so this starts a real server and talks to it as a
browser tab does, with bench/bench_serve.py's client (the load bench's visitors).
"""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.conftest import AppServer

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = "keystrokes"


def bench_serve():
    spec = importlib.util.spec_from_file_location("bench_serve", ROOT / "bench" / "bench_serve.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def server(tmp_path, tiny_run):
    runs = tmp_path / "runs"
    shutil.copytree(tiny_run.path, runs / WORKSPACE / tiny_run.run_id)
    app = AppServer(runs, tmp_path / "streamlit.log")
    app.start()
    yield app
    app.stop()


async def open_predict_and_type(client, url: str, text: str):
    """Open Predict in a fresh tab, then send ``text`` as the live box's value; both runs as the client saw them."""
    tab = client.Tab(url, WORKSPACE)
    await tab.open()
    try:
        sent, seen = await tab.rerun(page_name="predict", page_hash="")
        page = await tab.finished(seen, 180)
        box = client.keyup_box(page)
        sent, seen = await tab.rerun(widgets=[*tab.values.values(), client.keyup_state(box, text)],
                                     fragment_id=tab.fragments.get(box.id, ""))
        answer = await tab.finished(seen, 180, lambda run: bool(run.of_kind("html")))
        return page, answer
    finally:
        await tab.close()


def test_a_keystroke_reruns_only_the_live_fragment_and_answers_in_it(server):
    client = bench_serve()

    # In a thread of its own: Playwright's sync API, used by earlier tests, leaves an event loop in this one.
    with ThreadPoolExecutor(1) as thread:
        page, answer = thread.submit(asyncio.run, open_predict_and_type(client, server.url,
                                                                         "a wonderful and beautiful film")).result()

    assert page.status == client.ForwardMsg.FINISHED_SUCCESSFULLY
    assert answer.status == client.ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    outside_the_box = ("vectors.source", "predict.source", "predict.run")  # the sidebar's picker, the page's model
    drawn_by_page = " ".join(page.widgets())
    drawn_by_answer = " ".join(answer.widgets())
    assert all(key in drawn_by_page for key in outside_the_box)  # the full run drew the frame and the page
    assert not any(key in drawn_by_answer for key in outside_the_box)  # the keystroke's run drew neither
    assert 'class="embedlab-label" data-label="' in "\n".join(answer.texts())  # …but the prediction, in the box
