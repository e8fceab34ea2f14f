"""What `kuota up` does when its worker or its embedded broker stops, decided without processes."""

import io

import pytest
from rich.console import Console

from streams.errors import StreamsError
from streams.settings import Settings
from streams.worker.policy import EXIT_CONFIG, EXIT_SOFTWARE
from streams.worker.stack import RESTARTS, Stack


class Exited:
    """A child process that has exited with `code`, or runs on (None)."""

    def __init__(self, code):
        self.returncode = code

    def poll(self):
        return self.returncode


class DeadBroker:
    bootstrap = "127.0.0.1:19092"

    def __init__(self):
        self.process, self.starts = Exited(-9), 0

    def start(self):
        self.starts += 1
        self.process = Exited(None)
        return self


def stack(broker=None) -> tuple[Stack, io.StringIO, list]:
    out, started = io.StringIO(), []
    s = Stack(Settings(), Console(file=out, width=300), broker)
    s._start_worker = lambda: started.append(1) or Exited(None)
    return s, out, started


def test_a_worker_that_stopped_on_an_error_is_started_again():
    s, out, started = stack()
    s.worker = Exited(EXIT_SOFTWARE)
    s._tend()
    assert started == [1] and s.worker.poll() is None
    assert f"the worker stopped (code {EXIT_SOFTWARE}); starting it again" in out.getvalue()


def test_a_worker_that_asks_for_a_new_epoch_stops_kuota_up():
    s, _, started = stack()
    s.worker = Exited(EXIT_CONFIG)
    with pytest.raises(StreamsError, match=f"code {EXIT_CONFIG}"):
        s._tend()
    assert started == []


def test_a_worker_that_keeps_stopping_is_given_up_on():
    s, _, started = stack()
    with pytest.raises(StreamsError, match="times within a minute"):
        for _ in range(RESTARTS + 1):
            s.worker = Exited(EXIT_SOFTWARE)
            s._tend()
    assert len(started) == RESTARTS


def test_a_dead_embedded_broker_is_started_again_on_its_address_and_said_so_in_one_line():
    broker = DeadBroker()
    s, out, _ = stack(broker)
    s.worker = Exited(None)
    s._tend()
    s._tend()
    assert broker.starts == 1
    lines = [line for line in out.getvalue().splitlines() if "embedded broker exited" in line]
    assert len(lines) == 1 and "code -9" in lines[0] and broker.bootstrap in lines[0]
