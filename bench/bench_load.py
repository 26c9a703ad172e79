"""Many visitors at once on one server, while a training runs: how long each step of a visit takes.

N visitors (N = 1, 4, 8, 16 by default) are N Playwright browser contexts in one Debian
Chromium, all on one ``streamlit run app.py`` (``tests/browser/conftest.AppServer``). Each
visitor, in their own workspace (holding one small trained run), makes the same journey at
the same moment as the others:

1. ``analogies``: open ``/analogies?workspace=…`` (a new session: app.py, the sidebar, the
   page) until the default question king − man + woman shows "queen" first;
2. ``predict open``: the sidebar's Predict, until the text box is there and the script idle;
3. ``predict answer``: type "a wonderful and beautiful film" (40 ms a key); from the last
   key until the page shows the label "positive";
4. ``explore``: the sidebar's Explore, until the default map (2,000 GloVe words, UMAP) is
   drawn with its "Drawn in … s" caption.

Meanwhile another visitor trains on the Train page (the default dataset and LSTM, early
stopping off, many epochs, the page open so its live panel reruns every second); if that
training ends it is started again. Each N runs enough rounds for at least ``--samples``
journeys (N = 1 runs them one after another). The server is warmed first by one journey
that is not counted. A step that fails (a timeout, an exception box on the page) is
counted as an error, not timed.

Each step is also timed as the server saw it: from the last script run the page asked for
to the ``script_finished`` message that ended it, read from the page's websocket. And the
machine's CPU seconds are split between the server, its training workers and the rest
(Chromium, whose 16 contexts share the same 2 cores here, unlike real visitors' browsers).

The server's memory is the resident set of its process tree (the server and its training
workers), sampled every half second: the peak during each N and the last sample.

    nice python bench/bench_load.py                          # N = 1, 4, 8, 16; ~10 min
    nice python bench/bench_load.py --visitors 1 2 --samples 2
    nice python bench/bench_load.py --cold 8                 # 8 visitors on a just-started server instead
    nice python bench/bench_load.py --visitors 1 16 --browser-nice 19   # Chromium takes what the server leaves
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from embedlab_ui.streamlit_internals import websocket_message_kind  # noqa: E402 (sys.path set above)
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402 (sys.path set above)

STEPS = ("analogies", "predict open", "predict answer", "explore")
SENTENCE = "a wonderful and beautiful film"
TIMEOUT = 300_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = "document.querySelector('[data-testid=\"stException\"]')"
QUEEN_FIRST = ("document.querySelector('[data-testid=\"stDataFrame\"] [data-testid=\"glide-cell-1-0\"]')"
               "?.textContent === 'queen'")
POSITIVE = "document.querySelector('.embedlab-label')?.dataset.label === 'positive'"
MAP_DRAWN = ("[...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
             ".some(e => /Drawn in [0-9.]+ s/.test(e.textContent)) && document.querySelector('.js-plotly-plot')")


# ---------------------------------------------------------------------------------------------
# The server's memory: the resident set of the server and every process below it.

def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    return children


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, in MB (psutil when installed, else /proc)."""
    try:
        import psutil

        process = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20
    except ImportError:
        pass
    children, total, todo = _children(), 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * page
        except OSError:
            continue
        todo.extend(children.get(current, []))
    return total / 2**20


def training_workers(server_pid: int) -> list:
    """The processes that train for this server: its descendants (the process backend's workers) and,
    with Ray, Ray's worker processes (named ``ray::…``), which Ray starts outside the server's tree."""
    import psutil

    server = psutil.Process(server_pid)
    found = {child.pid: child for child in server.children(recursive=True)}
    for process in psutil.process_iter(["name"]):
        if (process.info["name"] or "").startswith("ray::"):
            found.setdefault(process.pid, process)
    return list(found.values())


def scheduling_seconds(server_pid: int) -> dict:
    """Seconds the training workers' threads have run (``on_cpu``) and waited, ready, for a CPU (``ready``).

    From ``/proc/PID/task/TID/schedstat`` (the kernel's run time and run-queue delay per thread).
    Wall time a training spent in neither was spent asleep: waiting on a lock, a pipe, the disk,
    or not counted at all where the hypervisor took the CPU away (``steal``)."""
    on_cpu = ready = 0
    for process in training_workers(server_pid):
        try:
            threads = os.listdir(f"/proc/{process.pid}/task")
        except OSError:
            continue
        for thread in threads:
            try:
                with open(f"/proc/{process.pid}/task/{thread}/schedstat") as stat:
                    run, wait, _ = stat.read().split()
            except (OSError, ValueError):
                continue
            on_cpu, ready = on_cpu + int(run), ready + int(wait)
    return {"on_cpu": on_cpu / 1e9, "ready": ready / 1e9}


def cpu_seconds(server_pid: int) -> dict:
    """CPU seconds used so far by the app server alone, its training workers (``training_workers``), every
    live Chromium process, and the whole machine (``busy``, ``idle``, ``steal``).

    The browser runs on the same two cores here; for a real visitor it runs on their own machine.
    A closed browser context takes its renderer's CPU time with it, so where contexts come and
    go, the machine's busy time less the server's is the truer count of what the browser used."""
    import psutil

    server = psutil.Process(server_pid)
    machine = psutil.cpu_times()
    used = {"server": 0.0, "workers": 0.0, "chromium": 0.0, "idle": machine.idle + getattr(machine, "iowait", 0.0),
            # time the hypervisor ran something else while this guest's CPUs wanted to run
            "steal": getattr(machine, "steal", 0.0)}
    # guest time is counted in user time already; steal is the hypervisor's, not ours
    used["busy"] = sum(machine) - used["idle"] - sum(getattr(machine, name, 0.0)
                                                     for name in ("guest", "guest_nice", "steal"))
    times = server.cpu_times()
    used["server"] = times.user + times.system
    for child in training_workers(server_pid):
        try:
            times = child.cpu_times()
            used["workers"] += times.user + times.system
        except psutil.Error:
            pass
    for process in psutil.process_iter(["name"]):
        if "chrom" in (process.info["name"] or ""):
            try:
                times = process.cpu_times()
                used["chromium"] += times.user + times.system
            except psutil.Error:
                pass
    return used


class BrowserGivesWay:
    """Keeps every thread of every Chromium process at nice ``level`` or below, for as long as the bench runs.

    Real visitors' browsers run on their own machines; here they share the server's 2 cores.
    Lowered, they get what the server and its training leave, closer to the real case. Once
    at launch is not enough: Chromium starts a renderer for each new browser context and sets
    renderer priorities itself (renderers opened mid-bench were seen at nice 0 and 5 in
    ``ps``), so every thread is checked again twice a second. Linux keeps a priority per
    thread, so each thread is set.

    A thread's nice value only ranks it inside its autogroup. Where the kernel groups tasks by
    session (``/proc/sys/kernel/sched_autogroup_enabled`` is 1, as on this machine), Chromium,
    launched in a session of its own, is one group and the server with its training workers
    another, and the two groups share the CPUs equally whatever the threads' nice values.
    So each Chromium process's autogroup is set to ``level`` too (``/proc/PID/autogroup``, see
    ``man 7 sched``); until 2026-12-01 it was not, and a watching Chromium took CPU from trainings
    as an equal.
    """

    def __init__(self, increment: int) -> None:
        import threading

        self.level = min(19, os.getpriority(os.PRIO_PROCESS, 0) + increment)
        self.lowered = 0  # thread priorities set, over the whole bench
        self.threads: set[tuple[int, int]] = set()  # (process, thread) ever seen
        self.groups: dict[str, str] = {}  # autogroup → its nice value as last read or set, or why it could not be
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._keep, daemon=True, name="browser-gives-way")

    def start(self) -> BrowserGivesWay:
        self.sweep()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()

    def describe(self) -> str:
        groups = ", ".join(f"{group} {nice}" for group, nice in sorted(self.groups.items())) or "none found"
        return (f"{self.level} (kept there for {len(self.threads):,} Chromium threads; "
                f"{self.lowered:,} times one had to be lowered; autogroups: {groups})")

    def _keep(self) -> None:
        while not self._stopped.wait(0.5):
            self.sweep()

    def sweep(self) -> None:
        import psutil

        for process in psutil.process_iter(["name"]):
            if "chrom" not in (process.info["name"] or ""):
                continue
            self._lower_autogroup(process.pid)
            for task in Path(f"/proc/{process.pid}/task").glob("*"):
                try:
                    thread = int(task.name)
                    self.threads.add((process.pid, thread))
                    if os.getpriority(os.PRIO_PROCESS, thread) < self.level:
                        os.setpriority(os.PRIO_PROCESS, thread, self.level)
                        self.lowered += 1
                except (OSError, ValueError):  # a thread that ended meanwhile
                    pass

    def _lower_autogroup(self, pid: int) -> None:
        try:
            with open(f"/proc/{pid}/autogroup") as autogroup:
                group, _, nice = autogroup.read().split()  # "/autogroup-25 nice 0"
        except (OSError, ValueError):
            return  # no autogroups on this kernel, or the process ended
        if int(nice) >= self.level:
            self.groups[group] = nice
            return
        try:
            with open(f"/proc/{pid}/autogroup", "w") as autogroup:
                autogroup.write(str(self.level))
            self.groups[group] = str(self.level)
        except OSError as error:
            self.groups[group] = f"{nice} (could not lower: {error.strerror})"


class MemoryWatch:
    """Samples the server tree's memory every half second while a round runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.samples, self._task = pid, [], None

    async def _sample(self) -> None:
        while True:
            self.samples.append(tree_rss_mb(self.pid))
            await asyncio.sleep(0.5)

    def start(self) -> None:
        self.samples = []
        self._task = asyncio.get_running_loop().create_task(self._sample())

    async def stop(self) -> tuple[float, float]:
        self._task.cancel()
        self.samples.append(tree_rss_mb(self.pid))
        return max(self.samples), self.samples[-1]


# ---------------------------------------------------------------------------------------------
# The server's share of a step, read from the page's websocket.

class ServerClock:
    """When a page last asked the server for a script run, and when the server said a run had finished.

    Read from Streamlit's own messages on the page's websocket (``rerun_script`` out,
    ``script_finished`` in), so ``answer_seconds`` leaves out what only the browser does:
    loading Streamlit's JavaScript, connecting, drawing. Times are taken as Playwright hands
    the frames over, so a driver kept waiting by a busy machine adds to them too.
    """

    def __init__(self, page) -> None:
        self.asked: list[float] = []
        self.finished: list[float] = []
        page.on("websocket", self._watch)

    def _watch(self, websocket) -> None:
        websocket.on("framesent", lambda payload: self._note(payload, True))
        websocket.on("framereceived", lambda payload: self._note(payload, False))

    def _note(self, payload, from_browser: bool) -> None:
        kind = websocket_message_kind(payload, from_browser)
        if kind == "rerun_script":
            self.asked.append(time.perf_counter())
        elif kind == "script_finished":
            self.finished.append(time.perf_counter())

    def answer_seconds(self, start: float, end: float) -> float | None:
        """From the last rerun asked for before the step's last finished run, to that run's end."""
        finished = [moment for moment in self.finished if start <= moment <= end]
        if not finished:
            return None
        asked = [moment for moment in self.asked if moment <= finished[-1]]
        return finished[-1] - asked[-1] if asked else None


# ---------------------------------------------------------------------------------------------
# A visitor.

async def idle(page) -> None:
    await page.wait_for_selector(IDLE, timeout=TIMEOUT)


async def until(page, condition: str) -> None:
    """Wait until the JavaScript ``condition`` holds or the page shows an exception (then raise it)."""
    await page.wait_for_function(f"() => !!({condition}) || !!({EXCEPTION})", timeout=TIMEOUT)
    await no_exception(page)


async def until_visible(page, locator) -> None:
    """Wait until ``locator`` is visible (Playwright finds it inside shadow roots too) or the page shows an
    exception."""
    shown = asyncio.ensure_future(locator.first.wait_for(state="visible", timeout=TIMEOUT))
    failed = asyncio.ensure_future(page.get_by_test_id("stException").first.wait_for(timeout=TIMEOUT))
    await asyncio.wait([shown, failed], return_when=asyncio.FIRST_COMPLETED)
    for task in (shown, failed):
        task.cancel()
    await asyncio.gather(shown, failed, return_exceptions=True)
    await no_exception(page)
    if not shown.done() or shown.cancelled() or shown.exception() is not None:
        raise TimeoutError(f"{locator} did not appear")


async def no_exception(page) -> None:
    if await page.get_by_test_id("stException").count():
        text = await page.get_by_test_id("stException").first.inner_text()
        raise RuntimeError(f"exception on the page: {text[:200]}")


async def sidebar(page, title: str) -> None:
    await page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()


async def journey(browser, base: str, workspace: str) -> dict[str, float | Exception]:
    """One visit; seconds per step (an Exception in place of a step that failed)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1400})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT)
    clock = ServerClock(page)
    times: dict[str, float | Exception] = {}

    async def step(name: str, action, since: float | None = None) -> None:
        start = time.perf_counter()
        try:
            await action()
            await no_exception(page)
            end = time.perf_counter()
            times[name] = end - start
            answer = clock.answer_seconds(start if since is None else since, end)
            if answer is not None:
                times[f"{name} (server)"] = answer
        except Exception as error:  # counted, not timed
            times[name] = error

    async def analogies():
        await page.goto(f"{base}/analogies?workspace={workspace}")
        await until(page, QUEEN_FIRST)

    async def predict_open():
        await sidebar(page, "Predict")
        await until_visible(page, page.locator("input.stkeyup__input"))
        await idle(page)

    box = page.locator("input.stkeyup__input")

    async def predict_answer():
        await until(page, POSITIVE)

    async def explore():
        await sidebar(page, "Explore")
        await until(page, MAP_DRAWN)

    try:
        await step("analogies", analogies)
        await step("predict open", predict_open)
        typing = time.perf_counter()
        try:
            await box.press_sequentially(SENTENCE, delay=40)
        except Exception as error:
            times["predict answer"] = error
        else:
            await step("predict answer", predict_answer, since=typing)
        await step("explore", explore)
    finally:
        await context.close()
    return times


# ---------------------------------------------------------------------------------------------
# The training that runs meanwhile.

class Trainer:
    """A visitor who keeps one training running on the Train page (restarted when it ends)."""

    def __init__(self, browser, base: str) -> None:
        self.browser, self.base, self.page, self.trainings = browser, base, None, 0

    async def open(self) -> None:
        context = await self.browser.new_context(viewport={"width": 1400, "height": 1800})
        self.page = await context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        await self.page.goto(f"{self.base}/train?workspace=loadtrainer")
        await idle(self.page)
        epochs = self.page.get_by_label("Epochs", exact=True)
        await epochs.fill("200")
        await epochs.press("Enter")
        await idle(self.page)
        if await self.page.get_by_text("Training settings", exact=True).count() == 0:  # recommended settings on
            await self.page.get_by_text("Recommended settings for this embedding and encoder", exact=True).first.click()
            await idle(self.page)
        await self.page.get_by_text("Training settings").first.click()
        await self.page.get_by_text("Early stopping").first.click()  # off: run all the epochs
        await idle(self.page)

    async def ensure_running(self) -> None:
        stop = self.page.get_by_role("button", name="Stop", exact=True)
        if await stop.count():
            return
        await self.page.get_by_role("button", name="Train", exact=True).click()
        await stop.wait_for(timeout=TIMEOUT)
        # past the queue: training
        await self.page.get_by_text(re.compile(r"^Epoch \d+/\d+")).first.wait_for(timeout=TIMEOUT)
        self.trainings += 1

    async def stop(self) -> None:
        stop = self.page.get_by_role("button", name="Stop", exact=True)
        if await stop.count():
            await stop.click()
        await self.page.context.close()


# ---------------------------------------------------------------------------------------------

def prepare_workspaces(runs_dir: Path, names: list[str]) -> None:
    """One small trained run in every visitor's workspace (Predict needs a run)."""
    from tests.conftest import train_tiny_run

    template = runs_dir / "_template"
    run = train_tiny_run(template)
    for name in names:
        shutil.copytree(run.path, runs_dir / name / run.path.name)
    shutil.rmtree(template)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def round_of(browser, base: str, n: int, samples: int, memory: MemoryWatch, trainer: Trainer | None):
    results: list[dict] = []
    memory.start()
    cpu_before = cpu_seconds(memory.pid)
    started = time.perf_counter()
    for _ in range(max(1, math.ceil(samples / n))):
        if trainer is not None:
            await trainer.ensure_running()
        results += await asyncio.gather(*(journey(browser, base, f"load{i}") for i in range(n)))
    elapsed = time.perf_counter() - started
    cpu_after = cpu_seconds(memory.pid)
    peak, last = await memory.stop()
    cpu = {group: cpu_after[group] - cpu_before[group] for group in cpu_after}
    return results, elapsed, peak, last, cpu


def summary(n: int, results: list[dict], elapsed: float, peak: float, last: float, cpu: dict) -> dict:
    row = {"n": n, "journeys": len(results), "seconds": elapsed, "peak_mb": peak, "last_mb": last, "errors": [],
           "cpu": cpu}
    for name in STEPS:
        values = [r[name] for r in results if isinstance(r.get(name), float)]
        row["errors"] += [f"{name}: {type(r[name]).__name__}: {str(r[name])[:160]}" for r in results
                          if isinstance(r.get(name), Exception)]
        row[name] = (statistics.median(values), percentile(values, 0.95)) if values else (math.nan, math.nan)
        answers = [r[f"{name} (server)"] for r in results if isinstance(r.get(f"{name} (server)"), float)]
        row[f"{name} (server)"] = ((statistics.median(answers), percentile(answers, 0.95)) if answers
                                   else (math.nan, math.nan))
    return row


def print_table(rows: list[dict]) -> None:
    print("\n| visitors | journeys | " + " | ".join(f"{s} p50 / p95" for s in STEPS)
          + " | errors | server memory peak / end |")
    print("|---" * (len(STEPS) + 4) + "|")
    for row in rows:
        cells = " | ".join(f"{row[s][0]:.2f} s / {row[s][1]:.2f} s" for s in STEPS)
        print(f"| {row['n']} | {row['journeys']} | {cells} | {len(row['errors'])} | "
              f"{row['peak_mb']:,.0f} MB / {row['last_mb']:,.0f} MB |")
    print("\nThe server's answer to each step (the last rerun asked for → its script_finished, from the websocket):")
    print("| visitors | " + " | ".join(f"{s} p50 / p95" for s in STEPS) + " |")
    print("|---" * (len(STEPS) + 1) + "|")
    for row in rows:
        print(f"| {row['n']} | " + " | ".join(f"{row[s + ' (server)'][0]:.2f} s / {row[s + ' (server)'][1]:.2f} s"
                                             for s in STEPS) + " |")
    print("\nWhere the machine's CPU went, in CPU seconds per journey (the training's workers train throughout; "
          "the rest is almost all Chromium, with this script's driver):")
    print("| visitors | round | server | training workers | the rest (Chromium) | idle |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        per = {group: used / row["journeys"] for group, used in row["cpu"].items()}
        rest = per["busy"] - per["server"] - per["workers"]
        print(f"| {row['n']} | {row['seconds']:.0f} s | {per['server']:.2f} s | {per['workers']:.2f} s | "
              f"{rest:.2f} s | {per['idle']:.2f} s |")
    base = rows[0]
    if len(rows) > 1:
        print(f"\np95 ÷ the {base['n']}-visitor p95:")
        for row in rows[1:]:
            print(f"  {row['n']:>2} visitors: " + ", ".join(f"{s} {row[s][1] / base[s][1]:.2f}×" for s in STEPS))
            print("    the server's answer: " + ", ".join(
                f"{s} {row[s + ' (server)'][1] / base[s + ' (server)'][1]:.2f}×" for s in STEPS))
    for row in rows:
        for error in row["errors"][:5]:
            print(f"  error at {row['n']} visitors: {error}")


async def main_async(args) -> None:
    from playwright.async_api import async_playwright

    folder = Path(tempfile.mkdtemp(prefix="embedlab-bench-load-"))
    count = max(args.visitors + [args.cold or 0])
    prepare_workspaces(folder / "runs", [f"load{i}" for i in range(count)])
    server = AppServer(folder / "runs", folder / "streamlit.log")
    print(f"load average before: {os.getloadavg()[0]:.1f}; executor {os.environ.get('EMBEDLAB_EXECUTOR', 'process')}; "
          f"log {server.log_path}", flush=True)
    server.start()
    memory = MemoryWatch(server.process.pid)
    rows = []
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            browser_priority = BrowserGivesWay(args.browser_nice).start() if args.browser_nice else None
            if args.cold:
                rows.append(summary(args.cold,
                                    *await round_of(browser, server.url, args.cold, args.cold, memory, None)))
                print(f"cold server, {args.cold} visitors at once, no training:")
            else:
                print(f"warming: one journey; server memory {tree_rss_mb(server.process.pid):,.0f} MB", flush=True)
                warm = await journey(browser, server.url, "load0")
                print("warm journey: " + ", ".join(f"{k} {v:.1f} s" if isinstance(v, float) else f"{k} FAILED {v}"
                                                   for k, v in warm.items()), flush=True)
                trainer = Trainer(browser, server.url)
                await trainer.open()
                await trainer.ensure_running()
                for n in args.visitors:
                    rows.append(summary(n, *await round_of(browser, server.url, n, args.samples, memory, trainer)))
                    row, elapsed, peak = rows[-1], rows[-1]["seconds"], rows[-1]["peak_mb"]
                    print(f"{n} visitors: {row['journeys']} journeys in {elapsed:.0f} s, "
                          + ", ".join(f"{s} p95 {row[s][1]:.2f} s" for s in STEPS)
                          + f", {len(row['errors'])} errors, peak {peak:,.0f} MB, "
                            f"load average {os.getloadavg()[0]:.1f}", flush=True)
                await trainer.stop()
                print(f"trainings started during the bench: {trainer.trainings}")
            if browser_priority is not None:
                browser_priority.stop()
                print(f"Chromium kept at nice {browser_priority.describe()}", flush=True)
            await browser.close()
    finally:
        server.stop()
    print_table(rows)
    if args.keep:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--samples", type=int, default=8, help="journeys per N at least (N=1 runs them in turn)")
    parser.add_argument("--cold", type=int, default=0, help="N visitors on a just-started server instead")
    parser.add_argument("--browser-nice", type=int, default=0,
                        help="lower Chromium's CPU priority by this much (e.g. 19): the browsers then take only "
                             "what the server leaves, as when they run on the visitors' own machines")
    parser.add_argument("--keep", action="store_true", help="keep the server's folder (runs, log)")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
