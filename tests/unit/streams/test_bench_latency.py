"""The latency benchmark's plan and its reading of the alerts: each planned purchase changes the
company's status as the compliance rules decide it, an alert is matched to its purchase by content,
and what is missing or unplanned is counted, never folded into the figures."""

from datetime import datetime, timezone

from ledger.rules.compliance import Status, period_bounds, required, status
from schemas.codes import region_timezone
from schemas.targets import StatusOptions
from streams.tools import latency_plan as plan


def alert(t: plan.Trigger, **changes) -> dict:
    return {"program": plan.PROGRAM, "period": plan.PERIOD, "buyer_id": t.buyer, "status": t.status,
            "actual": t.actual, "required": t.required} | changes


def test_each_planned_purchase_changes_the_status_the_rules_give():
    start, end = period_bounds(plan.PERIOD, region_timezone("3216"))
    now, previous, total = datetime(2026, 1, 1, tzinfo=timezone.utc), None, 0
    for supplier, amount, expected, actual, need in plan.steps(9):
        total += amount
        assert need == required("share", plan.SHARE_BP, total)
        new = status(previous, actual, need, start, end, now, StatusOptions(), total=total, kind="share")
        assert new == Status(expected) and new != previous
        assert (supplier == plan.UMKM) == (expected != "breach")
        previous = new


def test_companies_change_every_spacing_while_the_stream_lasts():
    triggers = plan.triggers(companies=4, seconds=10, spacing=4)
    first = [t for t in triggers if t.buyer == plan.company(0)]
    assert [(t.n, t.due, t.status) for t in first] == [(1, 0, "met"), (2, 4, "breach"), (3, 8, "recovered")]
    assert all(t.due < 10 for t in triggers) and [t.due for t in triggers] == sorted(t.due for t in triggers)
    # Companies start 1 s apart: the two that start at 2 s and 3 s have no third change before 10 s.
    assert len({(t.buyer, t.n) for t in triggers}) == len(triggers) == 3 + 3 + 2 + 2


def test_triggers_due_at_once_take_the_next_free_positions():
    triggers = plan.triggers(companies=3, seconds=0.003, spacing=0.003)  # one each, due within 3 ms
    assert sorted(plan.slots(triggers, rate=100, events=100)) == [0, 1, 2]


def test_an_alert_is_matched_by_buyer_status_and_figures():
    t = plan.triggers(companies=1, seconds=1, spacing=1)[0]
    expected = {plan.key(t.buyer, t.status, t.actual, t.required): t}
    assert plan.match(alert(t), expected) is t
    assert plan.match(alert(t, actual=t.actual + 1), expected) is None
    assert plan.match(alert(t, period="2024-Q2"), expected) is None
    assert plan.match(alert(t, program="pp7-40-3216"), expected) is None


def test_tally_reports_latency_missing_unplanned_and_other_alerts():
    a, b, c = plan.triggers(companies=3, seconds=1, spacing=1)
    sent = {a: 10.0, b: 10.0, c: 10.0}
    arrived = [(10.2, alert(a)), (10.9, alert(a)),  # a repeated delivery keeps the first arrival
               (10.5, alert(b)),
               (10.6, alert(b, status="breach")),  # about a planned company, but no planned change
               (10.7, {"program": "bebeli-3216-2024", "buyer_id": "*", "period": "2024"})]
    r = plan.tally([a, b, c], sent, arrived, {a.buyer, b.buyer, c.buyer})
    assert (r["expected"], r["received"], r["missing"], r["unexpected"], r["other_alerts"]) == (3, 2, 1, 1, 1)
    assert r["missing_examples"] == [f"{c.buyer} #1 met"]
    assert (r["p50_ms"], r["p99_ms"], r["max_ms"]) == (200, 500, 500)


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert (plan.percentile(values, 0.5), plan.percentile(values, 0.99), plan.percentile([7.0], 0.99)) == (50, 99, 7.0)
    assert plan.percentile([], 0.5) is None
