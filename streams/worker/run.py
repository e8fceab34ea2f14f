"""Running a worker (migrate, make sure the topics exist, then hand the loop to Faust), alone or
with the embedded broker and the officers' API beside it."""

import asyncio
import logging

import faust

from rich.console import Console
from sqlalchemy.engine import make_url

from ledger.db import migrate
from streams.kafka.broker import broker_for
from streams.kafka.topics import ensure_topics
from streams.settings import Settings
from streams.web import serve
from streams.worker import gctune
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
    install_agents(app, settings, Bookkeeper(settings, epoch))
    watch_epoch(app, settings, epoch)  # a restarted embedded broker comes back empty
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=quiet, redirect_stdouts=False)
    gctune.settle()  # Faust allocates several objects per record (streams/worker/gctune.py)
    log.info("worker for %s, ledger %s, broker epoch %r", settings.broker, _safe(settings.ledger_url), epoch)
    worker.execute_from_commandline()


def run_stack(settings: Settings, console: Console) -> None:
    """`kuota up`: the broker the settings name (the embedded one by default), the officers' API
    in a child process, and a worker in the foreground until Ctrl-C."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with broker_for(settings) as broker:
        if broker:
            console.print(f"broker tertanam / embedded broker: [bold]{broker.bootstrap}[/] (memory only)")
        console.print(f"ledger: {settings.ledger_url}")
        migrate(settings.ledger_url)
        api = serve.start_child(settings)  # prints its address once listening
        try:
            run_worker(settings)
        finally:
            serve.stop_child(api)


def _use_uvloop() -> None:
    # Faust's per-record path is task-heavy; uvloop makes it about 25% faster (bench/README).
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.set_event_loop(asyncio.new_event_loop())


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
