"""Trainings as jobs: eight visitors press Train at once, on each backend; a watched training against an unwatched one.

For each backend (``EMBEDLAB_EXECUTOR`` = ``thread``, ``process``, ``ray``), a fresh
``streamlit run app.py`` on the same 2 cores, driven by Debian's Chromium:

1. **Eight at once.** ``--visitors`` browser contexts, each in its own workspace on the Train
   page with the same small model (random embedding, average pooling, ``--epochs`` epochs, the
   built-in 200-sentence dataset), press Train within the same moment. Measured: the time from
   the presses until every run is saved (a run folder with ``metrics.json`` in each
   workspace), and, all that while, how long another visitor waits for a page: the Analogies
   page opened again and again until king − man + woman shows "queen" (p50, p95).
2. **Watched or not.** One visitor trains a bigger model (LSTM, ``--watch-epochs`` epochs,
   early stopping off) ``--repeats`` times each way, alternating: *watched* — the Train page
   stays open (its live panel reruns every second) until the run is saved; *unwatched* — the
   visitor goes to the Data page right after pressing Train. Measured: the training's own
   time (``metrics.json``'s ``seconds``) and the wall time from the press to the saved run;
   their difference is the job's overhead (queueing, starting, shipping, saving, listing).
   With ``--age-minutes M``, the server is first kept busy for M minutes (trainings back to
   back with the Train page open, pages opened meanwhile), as a server that has run a while.
3. **Stop.** A long LSTM on the Train page, Stop pressed after its first epoch: seconds until the
   page says the run stopped (``--repeats`` times).

Before measuring, one training (not counted) warms the backend, as on a server that has
been running: TensorFlow imported in the workers, Ray's workers started.

Ray runs inside a loopback-only network namespace (``unshare -n``), with
``ray start --head --port 6399 --node-ip-address=127.0.0.1`` there, the server and the
browser in the same namespace, ``EMBEDLAB_RAY_ADDRESS=127.0.0.1:6399``: traffic never
leaves loopback. Each backend is measured in a child process of this script; the parent
prints the ratios against the thread backend.

    nice python bench/bench_jobs.py                              # thread, process, ray: ~15 min
    nice python bench/bench_jobs.py --backends thread process --visitors 2 --repeats 1
    nice python bench/bench_jobs.py --backends process --visitors 0 \
        --age-minutes 60   # watched on a server busy for an hour
    python bench/bench_jobs.py --backends process ray --visitors 0 --age-minutes 60 --together --repeats 8 \
        --watch-epochs 30 --browser-nice 19      # both backends aged in the same hour, then measured in turn
    python bench/bench_jobs.py --backends ray --visitors 0 --browser-nice 19   # the browser takes what is left

Priorities: the server runs at this script's nice value; trainings at nice 10 or lower
(``EMBEDLAB_TRAINING_NICE``; Ray's task threads at 15). Started under ``nice``, the server
and the process backend's trainings share one priority. Chromium runs at the script's
priority unless ``--browser-nice`` lowers it (every thread, and the session's autogroup, which
is what counts between the browser and the server where the kernel groups by session): a
watching browser on the same 2 cores then no longer takes CPU from a training, as a real
visitor's browser, on their own machine, never does. The page probes of "eight at once" are
drawn by that browser too, so with ``--browser-nice`` their times include the browser waiting
behind the trainings: measure the eight without it.

"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_load import (QUEEN_FIRST, TIMEOUT, BrowserGivesWay, cpu_seconds, idle, percentile,  # noqa: E402 (sys.path set above)
                        scheduling_seconds, tree_rss_mb, until)
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402 (sys.path set above)

RAY_PORT = 6399
BACKENDS = ("thread", "process", "ray")


# ---------------------------------------------------------------------------------------------
# One visitor's Train page.

async def open_train_page(browser, base: str, workspace: str, encoder: str, epochs: int,
                          early_stopping: bool = True):
    context = await browser.new_context(viewport={"width": 1400, "height": 1600})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT)
    await page.goto(f"{base}/train?workspace={workspace}")
    await idle(page)
    # A click the page receives while it redraws can be dropped (then a visitor trained an LSTM, not
    # pooling, or never trained); each setting is checked and given again, as a person would.
    chooser = page.get_by_test_id("stSelectbox").filter(has_text="Encoder").first
    for _ in range(3):
        await chooser.click()
        await page.get_by_role("option", name=encoder, exact=True).click()
        await page.wait_for_timeout(500)
        await idle(page)
        if encoder in await chooser.inner_text():
            break
    box = page.get_by_label("Epochs", exact=True)
    for _ in range(3):
        await box.fill(str(epochs))
        await box.press("Enter")
        await page.wait_for_timeout(500)
        await idle(page)
        if await box.input_value() == str(epochs):
            break
    if not early_stopping:
        if await page.get_by_text("Training settings", exact=True).count() == 0:  # recommended settings on
            await page.get_by_text("Recommended settings for this embedding and encoder", exact=True).first.click()
            await idle(page)
        await page.get_by_text("Training settings").first.click()
        await page.get_by_text("Early stopping").first.click()
        await idle(page)
    return page


def saved_runs(folder: Path) -> list[dict]:
    """The metrics of every complete run in a workspace folder (a run is listed only once complete)."""
    runs = []
    for metrics in sorted(folder.glob("*/metrics.json")):
        if not metrics.parent.name.startswith("."):
            try:
                runs.append(json.loads(metrics.read_text()))
            except (OSError, ValueError):
                pass  # being written
    return runs


async def wait_for_runs(folder: Path, count: int, limit: float = 1800) -> float:
    """Seconds until ``folder`` holds ``count`` complete runs (measured from the call)."""
    start = time.perf_counter()
    while len(saved_runs(folder)) < count:
        if time.perf_counter() - start > limit:
            raise TimeoutError(f"{folder.name}: {len(saved_runs(folder))} of {count} runs after {limit:.0f} s")
        await asyncio.sleep(0.2)
    return time.perf_counter() - start


async def press_train(page) -> None:
    """Press Train and make sure the job is in: the Stop button shows (pressed again if the click was lost)."""
    for _ in range(3):
        await page.get_by_role("button", name="Train", exact=True).click()
        try:
            await page.get_by_role("button", name="Stop", exact=True).wait_for(timeout=20_000)
            return
        except Exception:  # playwright's TimeoutError: the press did not reach the server
            await idle(page)
    raise RuntimeError("the Train button was pressed three times and no training started")


# ---------------------------------------------------------------------------------------------
# The measurements, inside one backend's child process.

async def probe_pages(browser, base: str, ready: asyncio.Event, done: asyncio.Event) -> list[float]:
    """Open the Analogies page again and again until ``done``; seconds until "queen" shows each time."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1400})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT)
    times = []
    await page.goto(f"{base}/analogies?workspace=probe")  # once before measuring: the page's first visit is not timed
    await until(page, QUEEN_FIRST)
    ready.set()
    while not done.is_set():
        start = time.perf_counter()
        await page.goto(f"{base}/analogies?workspace=probe")
        await until(page, QUEEN_FIRST)
        times.append(time.perf_counter() - start)
        await asyncio.sleep(0.5)
    await context.close()
    return times


async def eight_at_once(browser, server: AppServer, visitors: int, epochs: int) -> dict:
    pages = [await open_train_page(browser, server.url, f"jobs{i}", "Average pooling", epochs)
             for i in range(visitors)]
    ready, done = asyncio.Event(), asyncio.Event()
    probe = asyncio.get_running_loop().create_task(probe_pages(browser, server.url, ready, done))
    await ready.wait()
    peak_memory = tree_rss_mb(server.process.pid)
    start = time.perf_counter()
    await asyncio.gather(*(press_train(page) for page in pages))
    pressed = time.perf_counter() - start
    waits = [wait_for_runs(server.runs_dir / f"jobs{i}", 1) for i in range(visitors)]
    finished = []
    for future in asyncio.as_completed(waits):
        await future
        finished.append(time.perf_counter() - start)
        peak_memory = max(peak_memory, tree_rss_mb(server.process.pid))
    done.set()
    probes = await probe
    for page in pages:
        await page.context.close()
    trained = [run["seconds"] for i in range(visitors) for run in saved_runs(server.runs_dir / f"jobs{i}")]
    return {"visitors": visitors, "epochs": epochs, "all_done": max(finished), "first_done": min(finished),
            "presses": pressed, "training_seconds": trained, "probes": probes,
            "probe_p50": statistics.median(probes), "probe_p95": percentile(probes, 0.95),
            "peak_memory_mb": peak_memory}


async def one_training(browser, server: AppServer, workspace: str, epochs: int, watched: bool) -> dict:
    page = await open_train_page(browser, server.url, workspace, "LSTM", epochs, early_stopping=False)
    folder = server.runs_dir / workspace
    before = len(saved_runs(folder))
    cpu_before, scheduled_before = cpu_seconds(server.process.pid), scheduling_seconds(server.process.pid)
    start = time.perf_counter()
    await press_train(page)
    if not watched:
        await page.get_by_role("button", name="Stop", exact=True).wait_for()  # the job is in
        await page.get_by_test_id("stSidebarNav").get_by_text("Data", exact=True).first.click()
    await wait_for_runs(folder, before + 1)
    wall = time.perf_counter() - start
    cpu_after, scheduled_after = cpu_seconds(server.process.pid), scheduling_seconds(server.process.pid)
    await page.context.close()
    seconds = _newest_seconds(folder)
    cpu = {key: round(cpu_after[key] - cpu_before[key], 2) for key in cpu_after}
    # the workers' threads over the whole press-to-saved-run wall time (starting, training, saving)
    scheduled = {key: round(scheduled_after[key] - scheduled_before[key], 2) for key in scheduled_after}
    return {"watched": watched, "wall": wall, "training": seconds, "overhead": wall - seconds, "cpu": cpu,
            "workers_scheduled": scheduled}


async def age_server(browser, server: AppServer, minutes: float, epochs: int) -> dict:
    """Keep the server busy for ``minutes`` as a class would: one visitor trains small models back to back
    with the Train page open (its live panel rerunning every second), another reopens the Analogies page."""
    ready, done = asyncio.Event(), asyncio.Event()
    probe = asyncio.get_running_loop().create_task(probe_pages(browser, server.url, ready, done))
    await ready.wait()
    page = await open_train_page(browser, server.url, "ageing", "Average pooling", epochs)
    trainings, end = 0, time.perf_counter() + minutes * 60
    while time.perf_counter() < end:
        before = len(saved_runs(server.runs_dir / "ageing"))
        await press_train(page)
        await wait_for_runs(server.runs_dir / "ageing", before + 1)
        trainings += 1
        await idle(page)
    done.set()
    probes = await probe
    await page.context.close()
    return {"minutes": minutes, "trainings": trainings, "pages_opened": len(probes),
            "memory_mb": tree_rss_mb(server.process.pid)}


async def stop_answers(browser, server: AppServer, repeats: int) -> list[dict]:
    """Stop pressed mid-training (``repeats`` times): seconds until the page says it is stopping, and
    until it shows the stopped run (the worker ends its batch, keeps the best epoch, evaluates, saves)."""
    import re

    page = await open_train_page(browser, server.url, "stopper", "LSTM", 200, early_stopping=False)
    answers = []
    for _ in range(repeats):
        await press_train(page)
        # training, past epoch 1
        await page.get_by_text(re.compile(r"^Epoch [2-9]\d*/200")).first.wait_for(timeout=TIMEOUT)
        start = time.perf_counter()
        await page.get_by_role("button", name="Stop", exact=True).click()
        # "Stopping", or already the stopped run: the live panel's line or the results the page reran to
        said = re.compile(r"Stopping: the current batch ends|Stopped \(best weights kept\)"
                          r"|stopped early by you|\(stopped by you\)")
        await page.get_by_text(said).first.wait_for(timeout=TIMEOUT)
        acknowledged = time.perf_counter() - start
        saved = re.compile(r"Stopped \(best weights kept\)|stopped early by you|\(stopped by you\)")
        await page.get_by_text(saved).first.wait_for(timeout=TIMEOUT)
        answers.append({"acknowledged": acknowledged, "saved": time.perf_counter() - start})
        await idle(page)
    await page.context.close()
    return answers


def _newest_seconds(folder: Path) -> float:
    newest = max((path for path in folder.glob("*/metrics.json") if not path.parent.name.startswith(".")),
                 key=lambda path: path.stat().st_mtime)
    return json.loads(newest.read_text())["seconds"]


async def watched_or_not(browser, server: AppServer, epochs: int, repeats: int) -> dict:
    # Not counted: a worker's first LSTM may pay for TensorFlow's first use of its kernels, which
    # would otherwise land on the first unwatched training.
    await one_training(browser, server, "watch-warm", 2, watched=False)
    rows = []
    for _repeat in range(repeats):
        for watched in (False, True):
            rows.append(await one_training(browser, server, f"watch{int(watched)}", epochs, watched))
            row = rows[-1]
            print(f"  {'watched' if watched else 'unwatched'}: trained {row['training']:.1f} s, "
                  f"wall {row['wall']:.1f} s; workers' threads on a CPU {row['workers_scheduled']['on_cpu']:.1f} s, "
                  f"ready but waiting {row['workers_scheduled']['ready']:.2f} s; CPU seconds meanwhile: {row['cpu']}",
                  flush=True)

    def median(key, watched):
        return statistics.median(row[key] for row in rows if row["watched"] == watched)

    unwatched = [row["training"] for row in rows if not row["watched"]]
    watched = [row["training"] for row in rows if row["watched"]]
    # Each watched training right after its unwatched twin: the machine's speed drifts less between them
    pairs = [w / u for u, w in zip(unwatched, watched)]
    return {"epochs": epochs, "repeats": repeats, "rows": rows, **ratio_of_medians(watched, unwatched),
            "paired_ratio_median": statistics.median(pairs), "paired_ratio_interval": median_interval(pairs),
            "ratio_of_means": statistics.fmean(watched) / statistics.fmean(unwatched),
            **{f"{key}_{name}": median(key, watched) for key in ("training", "wall", "overhead")
               for name, watched in (("unwatched", False), ("watched", True))}}


def bootstrap_interval(statistic, *samples: list[float], resamples: int = 10_000) -> tuple[float, float]:
    """A 90% bootstrap interval for ``statistic(*samples)``: each sample redrawn with replacement, in turn."""
    import random

    draw = random.Random(0)
    values = sorted(statistic(*(draw.choices(sample, k=len(sample)) for sample in samples)) for _ in range(resamples))
    return values[int(0.05 * resamples)], values[int(0.95 * resamples) - 1]


def median_interval(values: list[float]) -> tuple[float, float]:
    """A 90% bootstrap interval for the median of ``values``."""
    return bootstrap_interval(statistics.median, values)


def ratio_of_medians(watched: list[float], unwatched: list[float]) -> dict:
    """The watched ÷ unwatched ratio of medians, with a 90% bootstrap interval.

    Identical trainings on this machine, with nothing else running, already differ by up to a
    third (``bench_training_noise.py``), so a ratio from a few samples says little on its own:
    the interval says how far it could move with other samples of the same noise.
    """
    def ratio(watched, unwatched):
        return statistics.median(watched) / statistics.median(unwatched)

    return {"ratio_of_medians": ratio(watched, unwatched),
            "ratio_interval": bootstrap_interval(ratio, watched, unwatched)}


async def child(args) -> dict:
    from playwright.async_api import async_playwright

    folder = Path(tempfile.mkdtemp(prefix=f"embedlab-bench-jobs-{args.child}-"))
    server = AppServer(folder / "runs", folder / "streamlit.log")
    server.start()
    result: dict = {"backend": args.child, "load_before": os.getloadavg()[0]}
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            browser_priority = BrowserGivesWay(args.browser_nice).start() if args.browser_nice else None
            warm = await open_train_page(browser, server.url, "warm", "Average pooling", args.epochs)
            start = time.perf_counter()
            await press_train(warm)
            await wait_for_runs(server.runs_dir / "warm", 1)
            result["warm_training_wall"] = time.perf_counter() - start
            await warm.context.close()
            print(f"[{args.child}] warm-up training {result['warm_training_wall']:.1f} s", flush=True)
            if args.visitors:
                result["at_once"] = await eight_at_once(browser, server, args.visitors, args.epochs)
                print(f"[{args.child}] {args.visitors} at once: all done in {result['at_once']['all_done']:.1f} s, "
                      f"page p95 {result['at_once']['probe_p95']:.2f} s", flush=True)
            if args.age_minutes:
                result["aged"] = await age_server(browser, server, args.age_minutes, args.epochs)
                print(f"[{args.child}] aged {args.age_minutes:g} min: {result['aged']['trainings']} trainings, "
                      f"{result['aged']['pages_opened']} pages, server {result['aged']['memory_mb']:,.0f} MB",
                      flush=True)
            if args.repeats:
                asked = time.perf_counter()
                with my_turn(args.turns, args.children, args.child):
                    result["waited_for_turn"] = time.perf_counter() - asked
                    result["watch"] = await watched_or_not(browser, server, args.watch_epochs, args.repeats)
                    result["stop_answers"] = await stop_answers(browser, server, args.repeats)
                print(f"[{args.child}] Stop: " + "; ".join(f"stopping said after {a['acknowledged']:.2f} s, stopped "
                                                            f"run shown after {a['saved']:.2f} s"
                                                            for a in result["stop_answers"]), flush=True)
            if browser_priority is not None:
                browser_priority.stop()
                result["browser_nice"] = browser_priority.describe()
                print(f"[{args.child}] Chromium kept at nice {result['browser_nice']}", flush=True)
            await browser.close()
    finally:
        server.stop()
        result["load_after"] = os.getloadavg()[0]
        if args.keep:
            result["folder"] = str(folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return result


class my_turn:
    """With ``--together``, the children aged their servers at the same time; they measure one at a time.

    ``turns`` is a folder the parent made for ``children`` children. Each child says there that its
    server is aged, waits until every child has said so (no server is still ageing while another
    measures), then measures only while it holds an exclusive lock on a file there, so its watched
    and unwatched trainings have the cores to themselves; the other servers sit idle.
    """

    def __init__(self, turns: Path | None, children: int, backend: str) -> None:
        self.turns, self.children, self.backend, self.file = turns, children, backend, None

    def __enter__(self):
        if self.turns is not None:
            import fcntl

            (self.turns / f"{self.backend}.aged").touch()
            print(f"[{self.backend}] waiting for its turn to measure", flush=True)
            while len(list(self.turns.glob("*.aged"))) < self.children:
                time.sleep(1)
            self.file = open(self.turns / "measuring.lock", "a")
            fcntl.flock(self.file, fcntl.LOCK_EX)
            print(f"[{self.backend}] measuring", flush=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            self.file.close()  # closing releases the lock


# ---------------------------------------------------------------------------------------------
# The parent: one child per backend, Ray's in a loopback-only network namespace.

def child_command(backend: str, args, out: Path) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", backend, "--json", str(out),
               "--visitors", str(args.visitors), "--epochs", str(args.epochs),
               "--watch-epochs", str(args.watch_epochs), "--repeats", str(args.repeats),
               "--age-minutes", str(args.age_minutes), "--browser-nice", str(args.browser_nice)] + (
                   ["--keep"] if args.keep else []) + (
                   ["--turns", str(args.turns), "--children", str(len(args.backends))] if args.turns else [])
    if backend != "ray":
        return command
    script = (
        "set -e; ip link set lo up; "
        f"ray start --head --port {RAY_PORT} --node-ip-address=127.0.0.1 --num-cpus={os.cpu_count()} "
        "--include-dashboard=false --disable-usage-stats > ray-start.log 2>&1; "
        f"set +e; EMBEDLAB_RAY_ADDRESS=127.0.0.1:{RAY_PORT} {shlex.join(command)}; code=$?; "
        "ray stop --force > /dev/null 2>&1; exit $code"
    )
    return ["unshare", "-n", "bash", "-c", script]


def start_backend(backend: str, args) -> tuple[subprocess.Popen, Path]:
    out = Path(tempfile.mkstemp(prefix=f"bench-jobs-{backend}-", suffix=".json")[1])
    env = {**os.environ, "EMBEDLAB_EXECUTOR": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
    print(f"== {backend}", flush=True)
    return subprocess.Popen(child_command(backend, args, out), env=env, cwd=tempfile.gettempdir()), out


def backend_result(backend: str, child: subprocess.Popen, out: Path) -> dict | None:
    code = child.wait()
    if code != 0 or not out.stat().st_size:
        print(f"   {backend}: the child failed (exit {code})", flush=True)
        return None
    result = json.loads(out.read_text())
    out.unlink()
    return result


def run_backends(args) -> list[dict]:
    """One child per backend: one after another, or (``--together``) all at once, measuring in turn."""
    if not args.together:
        return [r for r in (backend_result(b, *start_backend(b, args)) for b in args.backends) if r is not None]
    args.turns = Path(tempfile.mkdtemp(prefix="bench-jobs-turns-"))
    try:
        started = [(backend, *start_backend(backend, args)) for backend in args.backends]
        return [r for r in (backend_result(*child) for child in started) if r is not None]
    finally:
        shutil.rmtree(args.turns, ignore_errors=True)


def print_results(results: list[dict]) -> None:
    base = next((r for r in results if r["backend"] == "thread"), results[0])
    if all("at_once" in r for r in results):
        first = base["at_once"]
        print(f"\n{first['visitors']} visitors press Train at once (average pooling, {first['epochs']} epochs, "
              "200 sentences); another visitor opens the Analogies page meanwhile:\n")
        print(f"| backend | all done | ÷ {base['backend']} | page p50 | page p95 | p95 ÷ {base['backend']} "
              "| pages opened | training time each (median) | server memory peak |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in results:
            a = r["at_once"]
            print(f"| {r['backend']} | {a['all_done']:.1f} s | {a['all_done'] / first['all_done']:.2f} | "
                  f"{a['probe_p50']:.2f} s | {a['probe_p95']:.2f} s | {a['probe_p95'] / first['probe_p95']:.2f} | "
                  f"{len(a['probes'])} | {statistics.median(a['training_seconds']):.1f} s | "
                  f"{a['peak_memory_mb']:,.0f} MB |")
    if all("watch" in r for r in results):
        w = base["watch"]
        aged = f", on a server kept busy for {base['aged']['minutes']:g} min first" if "aged" in base else ""
        print(f"\nOne LSTM training, {w['epochs']} epochs, early stopping off; medians of {w['repeats']} each way"
              f"{aged}:\n")
        print("| backend | trained, unwatched | trained, watched | watched ÷ unwatched (medians) | 90% interval | "
              "÷ (means) | wall, unwatched | wall, watched | overhead per job (wall − trained, unwatched) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in results:
            w = r["watch"]
            low, high = w["ratio_interval"]
            print(f"| {r['backend']} | {w['training_unwatched']:.1f} s | {w['training_watched']:.1f} s | "
                  f"{w['ratio_of_medians']:.2f} | {low:.2f}–{high:.2f} | {w['ratio_of_means']:.2f} | "
                  f"{w['wall_unwatched']:.1f} s | {w['wall_watched']:.1f} s | {w['overhead_unwatched']:.1f} s |")
        for r in results:
            w = r["watch"]
            low, high = w["paired_ratio_interval"]
            print(f"  {r['backend']}: each watched training ÷ the unwatched one just before it, median "
                  f"{w['paired_ratio_median']:.2f} (90% interval {low:.2f}–{high:.2f})")
        for r in results:
            times = {watched: ", ".join(f"{row['training']:.1f}" for row in r["watch"]["rows"]
                                        if row["watched"] == watched) for watched in (False, True)}
            print(f"  {r['backend']}: unwatched {times[False]}; watched {times[True]} (s, in the order trained)")
    if any("stop_answers" in r for r in results):
        print("\nStop pressed mid-training (LSTM, past epoch 1): seconds until the page says it is stopping / "
              "shows the stopped run: " + "; ".join(
                  f"{r['backend']} " + ", ".join(f"{a['acknowledged']:.2f} / {a['saved']:.2f}"
                                                 for a in r["stop_answers"])
                  for r in results if "stop_answers" in r))
    if any(r.get("browser_nice") for r in results):
        print("\nChromium kept at nice: " + ", ".join(f"{r['backend']} {r.get('browser_nice', 'not lowered')}"
                                                       for r in results))
    print("\nload average before → after each backend: " + ", ".join(
        f"{r['backend']} {r['load_before']:.1f} → {r['load_after']:.1f}" for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--visitors", type=int, default=8, help="visitors pressing Train at once (0: skip)")
    parser.add_argument("--epochs", type=int, default=2, help="epochs of their small model")
    parser.add_argument("--watch-epochs", type=int, default=15, help="epochs of the watched / unwatched LSTM")
    parser.add_argument("--repeats", type=int, default=2, help="watched and unwatched trainings each (0: skip)")
    parser.add_argument("--age-minutes", type=float, default=0,
                        help="before the watched / unwatched trainings, keep the server busy this long (a class)")
    parser.add_argument("--browser-nice", type=int, default=0,
                        help="lower Chromium's CPU priority by this much (e.g. 19): the browsers then take only what "
                             "the server and the trainings leave, as when they run on the visitors' own machines")
    parser.add_argument("--together", action="store_true",
                        help="start every backend's server at once, so they age in the same hour, then measure "
                             "them one at a time (the others idle); use with --visitors 0")
    parser.add_argument("--keep", action="store_true", help="keep each server's folder (runs, log)")
    parser.add_argument("--turns", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--children", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = asyncio.run(child(args))
        args.json.write_text(json.dumps(result))
        return
    if "ray" in args.backends and not (ROOT / "embedlab" / "models" / "ray_jobs.py").exists():
        print("embedlab/models/jobs/ray_tasks.py is not there yet: the ray backend is skipped")
        args.backends = [b for b in args.backends if b != "ray"]
    if args.together and args.visitors:
        parser.error("--together measures watched and unwatched trainings only; add --visitors 0")
    results = run_backends(args)
    if results:
        print_results(results)


if __name__ == "__main__":
    main()
