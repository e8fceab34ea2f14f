"""What `kuota import` says the ledger decided: each event from its receipts, each record from its
events, the wait bounded (decided, deadline, a ledger that stays still, one look), and the words
of the summary in Bahasa Indonesia and English, as a table and as JSON."""

import io

from rich.console import Console

from ledger.books.intake import APPLIED, DUPLICATE, REJECTED
from ledger.reports.decisions import CORRECTION, NEW, RECORDED, Decision, decide
from streams.importers.readback import DEADLINE, DECIDED, IDLE_LEDGER, NO_WAIT, Handed, await_decisions, tally
from streams.importers.summary import Decided, FileSummary, Tally, ledger_line, print_summary

BEFORE, SINCE = True, False


def test_an_event_held_before_the_mark_is_already_recorded_whatever_came_since():
    assert decide([(BEFORE, APPLIED, None), (SINCE, DUPLICATE, None)], sent_again=False) == Decision(RECORDED)
    assert decide([(BEFORE, DUPLICATE, None)], sent_again=True) == Decision(RECORDED)


def test_since_the_mark_applied_is_new_a_duplicate_recorded_and_a_rejection_keeps_its_reason():
    assert decide([(SINCE, APPLIED, None), (SINCE, DUPLICATE, None)], sent_again=True) == Decision(NEW)
    assert decide([(SINCE, DUPLICATE, None)], sent_again=True) == Decision(RECORDED)
    assert decide([(SINCE, REJECTED, "unknown_purchase")], sent_again=True) == Decision(REJECTED, "unknown_purchase")
    assert decide([], sent_again=True) is None


def test_an_old_rejection_stands_unless_the_event_was_sent_again():
    old = [(BEFORE, REJECTED, "unknown_purchase")]
    assert decide(old, sent_again=False) == Decision(REJECTED, "unknown_purchase")
    assert decide(old, sent_again=True) is None  # its new receipt is the answer: not decided yet
    assert decide([*old, (SINCE, APPLIED, None)], sent_again=True) == Decision(NEW)


def test_a_record_is_rejected_if_any_event_is_undecided_if_any_is_and_new_if_any_is_new():
    handed = Handed({"a1": 1, "a2": 1, "b": 2, "c1": 3, "c2": 3, "d": 4, "e": 5, "f": 6}, set())
    decided = {"a1": Decision(NEW), "a2": Decision(REJECTED, "conflicting_duplicate"), "b": Decision(RECORDED),
               "c1": Decision(RECORDED), "c2": Decision(NEW), "e": Decision(CORRECTION), "f": Decision(RECORDED)}
    out = tally(handed, decided)
    assert (out.new, out.recorded, out.corrections, out.undecided) == (1, 2, 1, 1)  # d has no receipt yet
    assert {r: t.positions for r, t in out.rejected.items()} == {"conflicting_duplicate": [1]}


class FakeLedger:
    """Decides one more event on each look; `booking` says whether receipts keep arriving."""

    def __init__(self, order: list[str], booking: bool = True):
        self.order, self.booking, self.looks = order, booking, 0

    def look(self, event_ids, fresh, mark):
        self.looks += 1
        decided = {e: Decision(NEW) for e in self.order[:self.looks] if e in event_ids}
        return decided, self.looks if self.booking else 7


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def wait_for(ledger, ids, wait, **kw):
    clock = Clock()
    handed = [Handed({e: i for i, e in enumerate(ids)}, set(ids))]
    decided, ended = await_decisions(ledger, handed, 0, wait, clock=clock, sleep=clock.sleep, **kw)
    return set(decided), ended, clock.now


def test_the_wait_ends_once_every_event_is_decided():
    assert wait_for(FakeLedger(["a", "b", "c"]), ["a", "b", "c"], 30, poll=1) == ({"a", "b", "c"}, DECIDED, 2)


def test_the_wait_ends_at_its_bound_while_the_worker_is_still_booking():
    decided, ended, at = wait_for(FakeLedger([str(i) for i in range(100)]), ["98", "99"], 10, poll=1, idle=5)
    assert (decided, ended, at) == (set(), DEADLINE, 10)


def test_the_wait_ends_early_when_the_ledger_receives_nothing():
    assert wait_for(FakeLedger([], booking=False), ["a"], 30, poll=1, idle=5) == (set(), IDLE_LEDGER, 5)


def test_no_wait_is_one_look():
    ledger = FakeLedger(["a"])
    assert wait_for(ledger, ["a", "b"], 0) == ({"a"}, NO_WAIT, 0) and ledger.looks == 1


def test_the_ledger_line_says_new_and_already_recorded_in_both_languages():
    assert ledger_line(Decided(recorded=37)) == \
        "buku besar / ledger: 0 baru, 37 sudah tercatat / 0 new, 37 already recorded"
    rejected = Decided(new=30, corrections=2, undecided=3, rejected={"unknown_purchase": Tally(2, [4, 9])})
    assert ledger_line(rejected) == (
        "buku besar / ledger: 30 baru, 0 sudah tercatat, 2 koreksi, 2 ditolak, 3 terkirim (belum diputuskan) / "
        "30 new, 0 already recorded, 2 corrections, 2 rejected, 3 sent (not yet decided)")


def summary(ledger: Decided | None) -> FileSummary:
    s = FileSummary("spse-nontender-kontrak-kalbar-2025.json", "spse-kontrak", "SPSE", records=37, imported=37)
    s.events["purchase.recorded"] = 37
    s.ledger = ledger
    return s


def printed(summaries, dry_run=False, wait=None) -> str:
    out = io.StringIO()
    print_summary(Console(file=out, width=200), summaries, dry_run, wait)
    return out.getvalue()


def test_a_second_import_prints_0_new_37_already_recorded_and_nothing_about_waiting():
    text = printed([summary(Decided(recorded=37))], wait=(DECIDED, 30))
    assert "buku besar / ledger: 0 baru, 37 sudah tercatat / 0 new, 37 already recorded" in text
    assert "terkirim / sent" not in text and "menunggu" not in text


def test_records_still_undecided_say_why_the_wait_ended_and_rejections_their_reason_and_records():
    decided = Decided(new=30, undecided=5, rejected={"unknown_purchase": Tally(2, [4, 9])})
    text = printed([summary(decided)], wait=(IDLE_LEDGER, 5))
    assert "ditolak / rejected unknown_purchase: 2 (records 4, 9)" in text
    assert "selama 5 detik" in text and "received nothing for 5 s: is a worker running" in text
    assert "waited 30 s" in printed([summary(decided)], wait=(DEADLINE, 30))
    assert "--no-wait" in printed([summary(decided)], wait=(NO_WAIT, 0))


def test_the_json_summary_gets_the_ledgers_counts_as_added_fields():
    doc = summary(Decided(new=1, recorded=35, rejected={"unknown_purchase": Tally(1, [7])})).as_json()
    assert doc["ledger"] == {"new": 1, "already_recorded": 35, "corrections": 0, "undecided": 0,
                             "rejected": {"unknown_purchase": {"count": 1, "positions": [7]}}}
    assert doc["imported"] == 37 and doc["events"] == {"purchase.recorded": 37}  # the fields it had stay
    assert summary(None).as_json()["ledger"] is None  # a dry run reads nothing back
