"""How trainings wait on this server: a first-come, first-served queue in front of ``TRAINING_SLOTS`` slots.

Every job waits in a ``SlotQueue`` before it trains, wherever it trains: the thread and
process backends share ``SLOTS`` (one queue for all visitors of this server), Ray keeps
one queue per workspace in front of the cluster. So the page can say how many jobs are
ahead, and a stop before the start cancels without touching a worker.
"""

from __future__ import annotations

import os
import threading


def _default_slots() -> int:
    # Threads share one process, where one fit loop already keeps every core busy: more at once only
    # slow each other down. Worker processes each get their share of the cores, one per core.
    if "EMBEDLAB_TRAINING_SLOTS" in os.environ:
        return max(1, int(os.environ["EMBEDLAB_TRAINING_SLOTS"]))
    return 1 if os.environ.get("EMBEDLAB_EXECUTOR", "process").strip().lower() == "thread" else (os.cpu_count() or 1)


# Trainings running at once for all visitors of this server.
TRAINING_SLOTS = _default_slots()


class SlotQueue:
    """A first-come, first-served queue in front of ``slots`` concurrent trainings."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.running = 0
        self.waiting: list[object] = []
        self.condition = threading.Condition()

    def acquire(self, job, cancel: threading.Event) -> bool:
        """Wait for a slot in turn; False if ``cancel`` is set before the slot is taken."""
        with self.condition:
            self.waiting.append(job)
            try:
                while True:
                    if cancel.is_set():
                        return False
                    if self.waiting[0] is job and self.running < self.slots:
                        self.running += 1
                        return True
                    self.condition.wait(0.2)
            finally:
                self.waiting.remove(job)
                self.condition.notify_all()

    def release(self) -> None:
        with self.condition:
            self.running -= 1
            self.condition.notify_all()

    def ahead_of(self, job) -> int:
        """Trainings that will start before ``job`` (running ones included); 0 once it runs."""
        with self.condition:
            if job not in self.waiting:
                return 0
            return self.running + self.waiting.index(job)


SLOTS = SlotQueue(TRAINING_SLOTS)


def slots_description(where: str) -> str:
    """How trainings wait for ``SLOTS``, in words for a visitor; ``where`` says where each one runs."""
    trainings = f"{TRAINING_SLOTS} training{'s' if TRAINING_SLOTS != 1 else ''}"
    return (f"This server runs {trainings} at a time ({where}), for all visitors; if others are training, yours "
            "waits in a queue and the page says how many trainings are ahead.")
