"""What `kuota up` watches after it started: the embedded broker, started again on the same
address when its process dies, and the worker, a child process in a session of its own.

A child, because a worker that sees a new broker epoch replaces itself in place (`epoch.restart`)
and must not replace `kuota up` with it; in its own session, because Ctrl-C in the terminal is for
`kuota up`, which first lets the worker book what is already in the topics and the journal (at
most KUOTA_DRAIN_SECONDS), then stops it.
"""

import os
import signal
import subprocess
import sys
import time

from rich.console import Console
from sqlalchemy.orm import Session

from ledger.books.journal import journal_counts
from ledger.db import make_engine
from streams.errors import StreamsError
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.topics import ensure_topics
from streams import processes
from streams.processes import tied
from streams.settings import Settings
from streams.web.probes import Broker
from streams.worker.policy import EXIT_CONFIG

WORKER = [sys.executable, "-m", "streams", "worker"]
TICK = 0.5  # seconds between looks at the broker and the worker
SAY_EVERY = 3.0  # seconds between progress lines while draining
RESTARTS = 5  # worker restarts within a minute before `kuota up` gives up


class Stop(Exception):
    """Ctrl-C or SIGTERM reached `kuota up`."""


STOPS = {signal.SIGINT, signal.SIGTERM}


def _stop(signum: int, frame) -> None:
    processes.STOP_ASKED.set()
    raise Stop()


class Stack:
    def __init__(self, settings: Settings, console: Console, broker: EmbeddedBroker | None):
        self.settings, self.console, self.broker = settings, console, broker
        self.worker: subprocess.Popen | None = None
        self.restarts: list[float] = []

    def run(self) -> None:
        """Until Ctrl-C or SIGTERM: then drain, and stop the worker (the caller stops the rest)."""
        previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            try:
                if processes.STOP_ASKED.is_set():  # asked before the stack held the signals
                    raise Stop()
                self.worker = self._start_worker()
                while True:
                    if processes.STOP_ASKED.is_set():  # a signal whose exception was swallowed
                        raise Stop()
                    self._tend()
                    time.sleep(TICK)
            except Stop:
                self._drain()
        finally:
            for s in previous:
                signal.signal(s, signal.SIG_IGN)  # stopping: a second signal does not cut the stop short
            self._stop_worker()
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _start_worker(self) -> subprocess.Popen:
        """The worker as a child. A Ctrl-C or SIGTERM arriving while it is being started waits
        until the stack holds it (held back, then delivered), so it is never left running."""
        env = dict(os.environ, KUOTA_DATABASE_URL=self.settings.ledger_url)
        tie = tied()

        def prepare() -> None:  # in the child: its own signals back, and death with kuota up
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
            tie()

        held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
        try:
            self.worker = subprocess.Popen(WORKER, env=env, start_new_session=True, preexec_fn=prepare)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a signal held back is delivered here
        return self.worker

    def _tend(self) -> None:
        """Start again what died: the embedded broker, and a worker that stopped on an error."""
        self._tend_broker()
        self._tend_worker()

    def _tend_broker(self) -> None:
        if self.broker is not None and self.broker.process is not None and self.broker.process.poll() is not None:
            code = self.broker.process.returncode
            self.console.print(f"[yellow]broker tertanam berhenti (kode {code}); memulai yang baru di "
                               f"{self.broker.bootstrap}[/] / embedded broker exited (code {code}); starting a new "
                               f"one on {self.broker.bootstrap}: the worker sends what the journal holds again")
            self.broker.process = None
            self._restart_broker()

    def _tend_worker(self) -> None:
        code = self.worker.poll()
        if code is None:
            return
        if code == EXIT_CONFIG:
            raise StreamsError(f"worker berhenti (kode {code}), lihat log di atas / the worker stopped "
                               f"(code {code}); see its log above")
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < 60] + [now]
        if len(self.restarts) > RESTARTS:
            raise StreamsError(f"worker berhenti {RESTARTS} kali dalam semenit / the worker stopped {RESTARTS} "
                               f"times within a minute (last code {code}); see its log above")
        self.console.print(f"[yellow]worker berhenti (kode {code}); memulai lagi[/] / the worker stopped "
                           f"(code {code}); starting it again")
        self.worker = self._start_worker()

    def _restart_broker(self, attempts: int = 20) -> None:
        for _ in range(attempts):
            try:
                self.broker.start()
            except Exception as exc:  # the port not yet free: try again shortly
                last = exc
                self.broker.process = None
                time.sleep(0.5)
                continue
            # The topics, made at once: a worker still on the old broker's identity would otherwise be
            # the first to name them (its relay sending), and the broker would make them on the fly
            # with none of their settings; such a topic was seen to hand out offsets twice.
            try:
                ensure_topics(self.settings.model_copy(update={"broker": self.broker.bootstrap}))
            except Exception as exc:  # the worker makes them when it starts under the new identity
                self.console.print(f"[yellow]topics not made yet on the new broker: {exc}[/]")
            return
        raise StreamsError(f"broker tertanam tidak dapat dimulai lagi / the embedded broker could not be started "
                           f"again on {self.broker.bootstrap}: {last}")

    def _drain(self) -> None:
        if self.worker is None:
            return
        wait = self.settings.drain_seconds
        self.console.print(f"berhenti: worker membukukan sisa catatan dulu (paling lama {wait:g} dtk) / stopping: "
                           f"the worker books what is left first (at most {wait:g} s)")
        counter = Left(self.settings)
        deadline, said = time.monotonic() + wait, 0.0
        try:
            while True:
                left = counter.now()
                if left == 0:
                    self.console.print("semua sudah dibukukan / everything is booked")
                    return
                if self.worker.poll() is not None or time.monotonic() >= deadline:
                    self.console.print(f"[yellow]{_shown(left)} catatan tersisa[/], disimpan dan dibukukan saat mulai "
                                       f"lagi / {_shown(left)} records left, kept and booked at the next start")
                    return
                if time.monotonic() - said >= SAY_EVERY:
                    self.console.print(f"menunggu / waiting: {_shown(left)} catatan tersisa / records left")
                    said = time.monotonic()
                self._tend_broker()
                time.sleep(TICK)
        except Stop:  # Ctrl-C again: stop now; what is journaled is kept
            self.console.print("berhenti sekarang / stopping now")
        finally:
            counter.close()

    def _stop_worker(self, timeout: float = 30.0) -> None:
        worker, self.worker = self.worker, None
        if worker is None or worker.poll() is not None:
            return
        worker.terminate()  # Faust stops after the batch in hand
        try:
            worker.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)  # its recorder process is in its session
            worker.wait()


def _shown(left: int | None) -> str:
    return "?" if left is None else f"{left:,}"


class Left:
    """Records not booked yet: journaled ones without a receipt, or more in the input topics
    beyond the group's committed offsets; None while neither can be read."""

    def __init__(self, settings: Settings):
        self.engine, self.broker = make_engine(settings.ledger_url), Broker(settings)

    def now(self) -> int | None:
        figures = []
        try:
            with Session(self.engine) as session:
                figures.append(journal_counts(session).in_flight)
        except Exception:  # the ledger busy or away: the lag may still say
            pass
        try:
            figures.append(sum(self.broker.lag().values()))
        except Exception:  # no broker now
            pass
        return max(figures) if figures else None

    def close(self) -> None:
        self.broker.close()
        self.engine.dispose()
