"""A study's baselines, scored in a process of their own: at the trainings' priority, and ended at once by Stop.

Scoring the two baselines (``embedlab.models.baselines``) on every (size, seed) of a study
is minutes of scikit-learn on a large dataset. In the server's own process it held the
interpreter the pages need (Analogies went from 5–6 s to 8–12 s meanwhile), and nothing
could interrupt it: Stop waited for the last scoring (52–71 s). So a study spawns one
process for them (``spawn``, as the training workers are), lowered to the trainings' nice
value, which sends each (size, seed)'s scores back as soon as they are made; Stop kills it.

    process → server   ("scores", size, seed, [BaselineScore.to_dict()])
                       ("failed", size, seed, one line)      (size and seed None: all of them)
                       ("done",)
"""

from __future__ import annotations

import multiprocessing

from embedlab.models.jobs.spawning import no_script_as_main


class BaselineScoring:
    """The baselines of ``cells`` (``(size, seed, train_rows)`` each) on ``test_rows``, scored in a spawned process.

    ``poll()`` returns the messages that have arrived; ``finished`` is True once every
    cell is scored (or the process ended); ``stop()`` ends the process now.
    """

    def __init__(self, dataset, vectors, cells: list[tuple], test_rows) -> None:
        self.finished = not cells
        if self.finished:
            return
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe(duplex=False)
        self.process = context.Process(target=score_in_process, args=(child_end, dataset, vectors, cells, test_rows),
                                       daemon=True, name="embedlab-study-baselines")
        with no_script_as_main():
            self.process.start()
        child_end.close()

    def poll(self) -> list[tuple]:
        """The scores and failures that have arrived since the last call (never waits)."""
        messages = []
        while not self.finished:
            try:
                if not self.connection.poll():
                    break
                message = self.connection.recv()
            except (EOFError, OSError):
                self.process.join(timeout=5)
                messages.append(("failed", None, None, "the process scoring the baselines ended unexpectedly (exit "
                                 f"code {self.process.exitcode}), perhaps out of memory; the cells are not affected"))
                self.finished = True
                break
            if message[0] == "done":
                self.finished = True
            else:
                messages.append(message)
        self._close_if_finished()
        return messages

    def stop(self) -> None:
        """End the scoring now (Stop, or the study is over); the scores not yet sent are not made."""
        if not self.finished:
            self.finished = True
            self.process.kill()
        self._close_if_finished()

    def _close_if_finished(self) -> None:
        if self.finished and hasattr(self, "process") and not self.connection.closed:
            self.process.join(timeout=5)
            self.connection.close()


def score_in_process(connection, dataset, vectors, cells: list[tuple], test_rows) -> None:
    """The spawned process: score each cell's baselines and send them, at the trainings' lower priority."""
    from embedlab.errors import EmbedLabError
    from embedlab.models.baselines import Baselines
    from embedlab.models.jobs.base import lower_training_priority

    try:
        lower_training_priority()  # the server's pages answer first
    except EmbedLabError:
        pass  # a bad EMBEDLAB_TRAINING_NICE is said to the visitor by the jobs; score at the usual priority
    try:
        baselines = Baselines(dataset, vectors)
    except Exception as error:
        connection.send(("failed", None, None, _one_line(error)))
        connection.send(("done",))
        return
    for size, seed, train_rows in cells:
        try:
            scores = [score.to_dict() for score in baselines.score(train_rows, test_rows)]
            connection.send(("scores", size, seed, scores))
        except Exception as error:  # reported with the cell; the next one is still scored
            connection.send(("failed", size, seed, _one_line(error)))
    connection.send(("done",))


def _one_line(error: Exception) -> str:
    from embedlab.errors import EmbedLabError

    return str(error) if isinstance(error, EmbedLabError) else f"{type(error).__name__}: {error}"
