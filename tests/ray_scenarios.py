"""Ray scenarios, run by tests/models/jobs/test_ray_tasks.py inside a network namespace that has only loopback.

Ray advertises the machine's outside address unless it has no other; inside
``unshare -n`` it has none, so the head, the workers and this driver all talk over
127.0.0.1. Writes ``report.json`` into the folder given on the command line; the tests
read it and assert. Usage: ``unshare -n bash -c 'ip link set lo up; python -m tests.ray_scenarios OUT'``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.models.jobs.test_contract import wait_until

ADDRESS = "127.0.0.1:6399"


def sh(*command: str, env=None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), capture_output=True, text=True, timeout=timeout, env=env)


def non_loopback_connections() -> list[str]:
    """Every inet socket on this network namespace whose far end is not a loopback address."""
    import psutil

    found = []
    for connection in psutil.net_connections(kind="inet"):
        far = connection.raddr
        if far and not (far.ip.startswith("127.") or far.ip in ("::1", "::ffff:127.0.0.1")):
            found.append(f"{far.ip}:{far.port} (pid {connection.pid})")
    return found


def training_tasks() -> int:
    """How many trainings the cluster has run as Ray tasks (``ray list tasks``), finished or not."""
    listed = sh("ray", "list", "tasks", "--address", ADDRESS, "--filter", "func_or_class_name=train_on_worker",
                "--limit", "1000", "--format", "json")
    return len(json.loads(listed.stdout)) if listed.returncode == 0 else -1


def browser_training(out: Path) -> dict:
    """A visitor trains from the Train page of a server whose jobs run on the Ray cluster."""
    import urllib.request

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, wait_until_idle

    runs = out / "page-runs"
    env = {**os.environ, "EMBEDLAB_EXECUTOR": "ray", "EMBEDLAB_RAY_ADDRESS": ADDRESS,
           "EMBEDLAB_RUNS_DIR": str(runs), "TF_CPP_MIN_LOG_LEVEL": "2"}
    log = open(out / "streamlit.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.port", "8599", "--server.address", "127.0.0.1",
                               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    result: dict = {}
    try:
        def healthy() -> bool:
            try:
                return urllib.request.urlopen("http://127.0.0.1:8599/_stcore/health", timeout=2).status == 200
            except OSError:
                return False

        result["healthy"] = wait_until(healthy, 120)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.goto("http://127.0.0.1:8599/train?workspace=raybrowser")
            wait_until_idle(page, 120_000)
            page.get_by_label("Encoder").first.click()
            page.get_by_role("option", name="Average pooling", exact=True).click()
            wait_until_idle(page)
            box = page.get_by_label("Epochs", exact=True)
            box.fill("2")
            box.press("Enter")
            wait_until_idle(page)
            page.get_by_role("button", name="Train", exact=True).click()
            page.get_by_text("Test accuracy").first.wait_for(timeout=300_000)
            # The run's loss and accuracy curves, drawn by Plotly after the metrics appear.
            drawn = "() => document.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length >= 2"
            try:
                page.wait_for_function(drawn, timeout=60_000)
            except PlaywrightTimeout:
                pass  # counted below, and the test says so
            result["curve_traces"] = page.locator(".js-plotly-plot .scatterlayer .trace").count()
            page.screenshot(path=str(out / "train_on_ray.png"))
            browser.close()
        listed = sorted(path.name for path in (runs / "raybrowser").iterdir() if not path.name.startswith("."))
        result["runs"] = listed
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def contract(folder: Path, stopped: dict) -> dict[str, str]:
    """Every check of the job contract (tests/models/jobs/test_contract.py) on Ray jobs: "ok" or what failed.

    The Stop check also records, into ``stopped``, what only Ray promises: the training's threads run
    at a lower priority than this driver, on the worker the previous training warmed.
    """
    import traceback

    from embedlab.models.jobs.ray_tasks import RayJob
    from tests.models.jobs.test_contract import CHECKS, check_stop_keeps_the_best_epoch
    from tests.models.jobs.test_processes import thread_nice_values

    def while_running(job) -> None:
        stopped.update({"training_threads_nice": sorted(thread_nice_values(job.worker_pid)),
                        "worker_pid": job.worker_pid, "driver_nice": os.getpriority(os.PRIO_PROCESS, 0)})

    found = {}
    for check in CHECKS:
        extra = {"while_running": while_running} if check is check_stop_keeps_the_best_epoch else {}
        try:
            check(lambda spec, queue: RayJob(spec, queue=queue), folder / check.__name__, **extra)
            found[check.__name__] = "ok"
        except Exception:  # reported; the next check still runs
            found[check.__name__] = traceback.format_exc()[-2000:]
    return found


def scenarios(out: Path) -> dict:
    from embedlab.data.builtins import builtin_dataset
    from embedlab.models.architecture import ModelConfig
    from embedlab.models.jobs import TrainingSpec, submit
    from embedlab.models.runs.catalog import list_runs
    from embedlab.models.training.options import TrainingOptions

    report: dict = {"seconds": {}}
    clock = time.monotonic()

    def lap(step: str) -> None:
        nonlocal clock
        report["seconds"][step] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    env = {**os.environ, "EMBEDLAB_EXECUTOR": "ray", "EMBEDLAB_RAY_ADDRESS": ADDRESS}
    cli_out = out / "cli-runs"
    command = sh(sys.executable, "-m", "embedlab", "train", "pang-lee-200", "--encoder", "pooling", "--epochs", "1",
                 "--out", str(cli_out), "--json", env=env)
    report["cli"] = {"exit": command.returncode, "stdout": command.stdout[-2000:], "stderr": command.stderr[-2000:]}
    if command.returncode == 0:
        run_path = json.loads(command.stdout)["run"]
        predict = sh(sys.executable, "-m", "embedlab", "predict", run_path, "a wonderful film", "--json", env=env)
        report["cli"]["predict_exit"] = predict.returncode
    lap("cli")
    report["cli"]["ray_tasks"] = training_tasks()

    os.environ.update({"EMBEDLAB_EXECUTOR": "ray", "EMBEDLAB_RAY_ADDRESS": ADDRESS})
    dataset = builtin_dataset("pang-lee-200")
    config = ModelConfig(encoder="pooling", max_tokens=2000, sequence_length=32)
    runs = out / "job-runs"

    job = submit(TrainingSpec(dataset, config, TrainingOptions(epochs=1, batch_size=16), save_to=runs, name="ray one"))
    seen_progress = []
    while not job.finished:
        status = job.snapshot()
        if status.progress is not None:
            seen_progress.append(status.progress.fraction)
        time.sleep(0.1)
    status = job.snapshot()
    report["one_epoch"] = {"state": status.state, "failure": status.failure, "progress_reports": len(seen_progress),
                           "run_loads": status.run is not None and status.run.load_model() is not None,
                           "epochs": len(status.history.get("loss", [])), "worker_pid": job.worker_pid}
    lap("one_epoch")

    report["stopped"] = {}
    report["contract"] = contract(out / "contract", report["stopped"])
    lap("contract")

    killed_runs = out / "killed-runs"
    killed = submit(TrainingSpec(dataset, config, TrainingOptions(epochs=300, batch_size=4), save_to=killed_runs,
                                 name="ray killed"))
    wait_until(lambda: killed.snapshot().progress is not None and killed.worker_pid is not None, 300)
    os.kill(killed.worker_pid, signal.SIGKILL)
    killed.join(timeout=120)
    status = killed.snapshot()
    report["killed"] = {"state": status.state, "failure": status.failure,
                        "runs_listed": len(list_runs(killed_runs)) if killed_runs.exists() else 0}
    lap("killed")
    before = training_tasks()
    report["browser"] = browser_training(out)
    report["browser"]["tasks_added"] = training_tasks() - before
    lap("browser")
    report["non_loopback"] = non_loopback_connections()
    return report


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    clock = time.monotonic()
    started = sh("ray", "start", "--head", "--port", ADDRESS.split(":")[1], "--node-ip-address", "127.0.0.1",
                 "--num-cpus", "2", "--disable-usage-stats", "--dashboard-host", "127.0.0.1")
    report = {"ray_start": started.returncode, "ray_start_output": started.stderr[-1500:],
              "ray_start_seconds": round(time.monotonic() - clock, 1)}
    try:
        if started.returncode == 0:
            report.update(scenarios(out))
    except Exception:  # reported, so the test shows what went wrong
        import traceback

        report["error"] = traceback.format_exc()[-3000:]
    finally:
        report["non_loopback_at_end"] = non_loopback_connections()
        sh("ray", "stop", "--force")
        (out / "report.json").write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
