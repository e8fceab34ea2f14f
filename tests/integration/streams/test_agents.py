"""The agents inside Faust's test context: no broker, a real SQLite ledger."""

import asyncio
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.db import migrate
from ledger.models import Entry, Receipt, Rejection
from streams.worker.agents import install_agents
from streams.worker.app import create_app
from streams.worker.bookkeeper import Bookkeeper
from streams.settings import Settings
from tests.integration.helpers import purchase


@pytest.fixture
def agents(tmp_path):
    settings = Settings(broker="127.0.0.1:1", database_url=f"sqlite:///{tmp_path / 'k.db'}",
                        batch_within=0.05, group_id="kuota-agent-test")
    migrate(settings.ledger_url)
    app = create_app(settings)
    ledger = Bookkeeper(settings, epoch="test")
    install_agents(app, settings, ledger)
    app.finalize()
    return app, ledger


async def _until(ledger: Bookkeeper, count: int) -> None:
    for _ in range(200):
        with Session(ledger.engine) as s:
            if s.scalar(select(func.count()).select_from(Receipt)) >= count:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} receipts")


async def test_the_purchase_agent_books_valid_records_and_keeps_rejections(agents):
    app, ledger = agents
    agent = app.agents["kuota.book_purchases"]
    async with agent.test_context() as ctx:
        await ctx.put(json.dumps(purchase("agent-000001", 1000)).encode(), key=b"opd-3216-dinkes", wait=False)
        await ctx.put(b"{not json", key=b"opd-3216-dinkes", wait=False)
        await ctx.put(json.dumps(purchase("agent-000001", 1000)).encode(), key=b"opd-3216-dinkes", wait=False)
        await _until(ledger, 3)
        for _ in range(100):  # the agent counts a batch once the booking process has answered
            if ledger.stats.by_topic:
                break
            await asyncio.sleep(0.05)
    with Session(ledger.engine) as s:
        outcomes = dict(s.execute(select(Receipt.outcome, func.count()).group_by(Receipt.outcome)).all())
        assert outcomes == {"applied": 1, "duplicate": 1, "rejected": 1}
        assert s.scalar(select(func.sum(Entry.amount))) == 1000
        assert s.scalar(select(Rejection.reason)) == "invalid_json"
    assert ledger.stats.by_topic  # the progress log has something to say
