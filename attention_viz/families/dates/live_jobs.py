"""One live training per server process: a job on a background thread, a slot that admits one.

    slot = TrainingSlot()                     # one per process (the page caches it)
    job = slot.start(owner, trainer)          # raises Busy, naming the job that is running
    job.events[-1], job.finished, job.stop()  # progress so far; ask it to stop
    job.trainer.model                         # the model, once finished

The training runs on its own thread, so the session that started it stays responsive (it
polls job.events) and other sessions' requests are served meanwhile; the trainer uses one
torch thread, leaving the other core of a 2-core machine to them. A job ends by itself at
its step budget, so a session that goes away cannot hold the slot for ever.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from attention_viz.families.dates.live import LiveTrainer, Progress


class Busy(RuntimeError):
    """A training is already running in this process."""

    def __init__(self, job: TrainingJob):
        self.job = job
        super().__init__(
            f"a training is running in another session: {job.elapsed():.0f} s elapsed "
            f"({job.describe()}); try again when it ends"
        )


@dataclass
class TrainingJob:
    owner: str  # who started it (a session's id)
    trainer: LiveTrainer
    events: list[Progress] = field(default_factory=list)  # appended by the training thread
    error: str | None = None  # why the training failed, if it did
    finished: bool = False
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def stop(self) -> None:
        """Ask the training to end after its current step; the model keeps what it learned."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set() and not self.finished

    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def describe(self) -> str:
        budget = self.trainer.config.max_steps
        if not self.events:
            return f"starting, budget {budget} steps"
        e = self.events[-1]
        return f"step {e.step} of {budget}, validation exact match {e.val_accuracy:.1%}"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the training ends (True) or `timeout` seconds pass (False)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.finished

    def _run(self) -> None:
        try:
            for event in self.trainer.run(self._stop):
                self.events.append(event)  # list.append is atomic: readers see whole events
        except Exception as e:  # shown to the session that started it; the slot is freed
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self.ended = time.monotonic()
            self.finished = True


class TrainingSlot:
    """Admits one running TrainingJob at a time (process-wide; thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._job: TrainingJob | None = None

    def running(self) -> TrainingJob | None:
        """The job that is training now, if any."""
        job = self._job
        return job if job is not None and not job.finished else None

    def start(self, owner: str, trainer: LiveTrainer) -> TrainingJob:
        """Start `trainer` on a background thread.

        Raises:
            Busy: another job is still running (its message says how far it is).
        """
        with self._lock:
            if (busy := self.running()) is not None:
                raise Busy(busy)
            job = TrainingJob(owner, trainer)
            job._thread = threading.Thread(target=job._run, name="live-training", daemon=True)
            self._job = job
            job._thread.start()
        return job
