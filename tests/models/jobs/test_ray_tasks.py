"""Trainings as Ray work on a real local cluster, in a network namespace that has only loopback.

One cluster for the whole file: ``tests/ray_scenarios.py`` starts it inside
``unshare -n``, runs every scenario against it and writes what it saw; each test here
checks one promise from that report.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.models.jobs.test_contract import CHECKS

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    assert shutil.which("unshare") and shutil.which("ray"), "the Ray tests need util-linux's unshare and ray"
    out = tmp_path_factory.mktemp("ray")
    script = f"ip link set lo up && {sys.executable} -m tests.ray_scenarios {out}"
    completed = subprocess.run(["unshare", "-n", "bash", "-c", script], cwd=ROOT, capture_output=True, text=True,
                               timeout=900)
    assert (out / "report.json").exists(), completed.stderr[-3000:]
    result = json.loads((out / "report.json").read_text())
    assert result["ray_start"] == 0, result["ray_start_output"]
    assert "error" not in result, result["error"]
    return result


def test_the_command_line_trains_as_ray_work_and_the_run_loads(report):
    assert report["cli"]["exit"] == 0, report["cli"]["stderr"]
    assert report["cli"]["predict_exit"] == 0
    assert report["cli"]["ray_tasks"] == 1


def test_a_one_epoch_training_reports_progress_and_its_run_loads(report):
    one = report["one_epoch"]
    assert one["state"] == "done", one["failure"]
    assert one["progress_reports"] > 0 and one["epochs"] == 1 and one["run_loads"]


@pytest.mark.parametrize("check", [check.__name__ for check in CHECKS])
def test_ray_jobs_keep_the_contract_of_every_backend(report, check):
    # the checks of test_contract.py, run on Ray jobs by ray_scenarios.contract
    assert report["contract"][check] == "ok", report["contract"][check]


def test_the_next_training_runs_on_the_worker_the_last_one_warmed(report):
    # a new worker process would import TensorFlow again: seconds of every training's wait
    assert report["one_epoch"]["worker_pid"] is not None
    assert report["stopped"]["worker_pid"] == report["one_epoch"]["worker_pid"]


def test_a_ray_training_runs_at_a_lower_cpu_priority_than_the_machine_s_pages(report):
    stopped = report["stopped"]  # measured while the contract's Stop check trained
    # Ray runs its task threads at nice 15 by itself; the rest of the worker's threads are lowered to 10
    assert stopped["driver_nice"] < 10 and min(stopped["training_threads_nice"]) >= 10


def test_a_killed_ray_worker_fails_its_job_with_a_message_and_lists_no_half_run(report):
    killed = report["killed"]
    assert killed["state"] == "failed" and "died" in killed["failure"] and killed["runs_listed"] == 0


def test_a_visitor_trains_from_the_page_on_the_ray_backend(report):
    browser = report["browser"]
    assert browser["healthy"] and len(browser["runs"]) == 1 and browser["tasks_added"] == 1
    assert browser["curve_traces"] >= 2  # the finished run's curves are drawn on the page


def test_neither_the_app_nor_ray_talks_to_anything_but_loopback(report):
    assert report["non_loopback"] == [] and report["non_loopback_at_end"] == []
