"""Running a worker: migrate, make sure the topics exist, then hand the loop to Faust."""

import asyncio
import logging

import faust

from sqlalchemy.engine import make_url

from ledger.db import migrate
from streams.kafka.topics import ensure_topics
from streams.settings import Settings
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
