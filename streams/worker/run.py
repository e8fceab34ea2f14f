"""Running a worker (migrate, make sure the topics exist, then hand the loop to Faust), alone or
with the embedded broker and the officers' API beside it."""

import asyncio
import errno
import logging
import os
import signal
import socket
from pathlib import Path

import faust

from rich.console import Console

from ledger.db import migrate, shown
from streams import processes
from streams.errors import PortTaken, StreamsError
from streams.kafka.broker import LOOPBACK, answers, broker_for, split
from streams.kafka.topics import ensure_topics
from streams.settings import Settings
from streams.web import serve
from streams.worker import gctune, metrics
from streams.worker.agents import install_agents
from streams.worker.app import create_app
from streams.worker.bookkeeper import Bookkeeper
from streams.worker.epoch import watch_epoch

log = logging.getLogger("kuota.worker")


def run_worker(settings: Settings, *, quiet: bool = False) -> None:
    """Consume until stopped (SIGINT/SIGTERM stop it cleanly after the batch in hand)."""
    _use_uvloop()
    migrate(settings.ledger_url)
    epoch = settings.epoch or ensure_topics(settings)
    app = create_app(settings)
    install_agents(app, settings, Bookkeeper(settings, epoch, metrics.start(settings)))
    watch_epoch(app, settings, epoch)  # a restarted embedded broker comes back empty
    # JSON lines leave no room for Faust's start-up banner.
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=quiet or settings.log_format == "json",
                          redirect_stdouts=False, logging_config=processes.log_config(settings.log_format, settings.log_level))
    gctune.settle()  # Faust allocates several objects per record (streams/worker/gctune.py)
    log.info("worker for %s, ledger %s, broker epoch %r", settings.broker, shown(settings.ledger_url), epoch)
    worker.execute_from_commandline()


def run_stack(settings: Settings, console: Console) -> None:
    """`kuota up`: the broker the settings name (the embedded one by default, started again if it
    dies), the officers' API and a worker in child processes until Ctrl-C, which first lets the
    worker book what is left (streams/worker/stack.py). It starts whole or not at all, and what it
    starts dies with it, even on SIGKILL (streams/processes.py)."""
    check_ports(settings)
    # Until the stack installs its own handler, SIGTERM unwinds like Ctrl-C: what started stops.
    signal.signal(signal.SIGTERM, _terminate)
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the ledger, logs, imports: owner only
    with broker_for(settings) as broker:
        if broker:
            console.print(f"broker tertanam / embedded broker: [bold]{broker.bootstrap}[/] (memory only)")
        console.print(f"ledger: {shown(settings.ledger_url)}")
        migrate(settings.ledger_url)
        from streams.officers.access_commands import first_admin
        first_admin(settings.ledger_url, console)  # the dashboard's first login, shown once
        api = serve.start_child(settings)  # prints its address
        try:
            if not serve.listening(api, settings):
                check_ports(settings, broker=False)  # taken since the first check?
                raise StreamsError(f"dasbor dan API tidak mulai di {serve.url(settings)} (lihat pesan di atas) / "
                                   f"the dashboard and API did not start at {serve.url(settings)} (see above)")
            # Here, not at the top: the worker process imports this module, and must not import
            # prometheus_client (by way of the stack's lag probe) before it sets its metrics up.
            from streams.worker.stack import Stack

            Stack(settings, console, broker).run()  # the worker, and the broker kept alive, until Ctrl-C
        finally:
            serve.stop_child(api)


def _terminate(signum: int, frame) -> None:
    # Kept as a flag too: an exception raised where Python ignores it (a garbage-collection
    # callback) would lose the signal; the stack looks at the flag before it starts the worker.
    processes.STOP_ASKED.set()
    raise SystemExit(128 + signum)


def check_ports(settings: Settings, *, broker: bool = True) -> None:
    """Refuse, before anything starts, when a port `kuota up` would listen on is taken, or when a
    broker it did not start answers where it would start its own: joining a broker takes
    KUOTA_BROKER (or KUOTA_EMBEDDED_BROKER=false)."""
    host, port = split(settings.bootstrap[0])
    if broker and settings.embedded_broker and host in LOOPBACK:
        running, named = answers(host, port), "broker" in settings.model_fields_set
        if (running and not named) or (not running and not _free(host, port)):
            raise _taken(port, "broker", "broker",
                         f"hentikan, pakai broker itu dengan KUOTA_BROKER={host}:{port}, atau pilih port lain "
                         "untuk broker tertanam dengan KUOTA_BROKER=127.0.0.1:PORT",
                         f"stop it, set KUOTA_BROKER={host}:{port} to use that broker, or "
                         "KUOTA_BROKER=127.0.0.1:PORT for an embedded broker on another port")
    if not _free(settings.api_host, settings.api_port):
        raise _taken(settings.api_port, "dasbor dan API", "dashboard and API",
                     "hentikan, atau pilih port lain dengan KUOTA_API_PORT", "stop it or set KUOTA_API_PORT")


def _taken(port: int, what_id: str, what_en: str, todo_id: str, todo_en: str) -> PortTaken:
    who = _holder(port)
    return PortTaken(f"port {port} ({what_id}) dipakai oleh {who or 'program lain'}: {todo_id} / "
                     f"port {port} ({what_en}) is held by {who or 'another program'}: {todo_en}")


def _free(host: str, port: int) -> bool:
    """Whether a listener could bind host:port now; only "in use" counts as taken (an address
    that does not resolve or a privileged port is for the listener itself to report)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        return True
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn and the broker bind: connections of a stopped server waiting out TIME_WAIT
        # do not hold the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return exc.errno != errno.EADDRINUSE
    return True


def _holder(port: int) -> str | None:
    """`name (pid N)` of the process listening on `port`, when this user may look at it."""
    sockets = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()  # local address is HEX_IP:HEX_PORT; state 0A is LISTEN
            if fields[3] == "0A" and int(fields[1].rpartition(":")[2], 16) == port:
                sockets.add(f"socket:[{fields[9]}]")
    for process in Path("/proc").iterdir() if sockets else ():
        if process.name.isdigit():
            try:
                if any(os.readlink(fd) in sockets for fd in (process / "fd").iterdir()):
                    return f"{(process / 'comm').read_text().strip()} (pid {process.name})"
            except OSError:  # gone, or another user's
                continue
    return None


def _use_uvloop() -> None:
    # Faust's per-record path is task-heavy; uvloop makes it about 25% faster (bench/README).
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.set_event_loop(asyncio.new_event_loop())
