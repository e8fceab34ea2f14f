from collections import Counter

from ledger.books.intake import BatchResult


class Stats:
    """Counts since the worker started, for its progress log."""

    def __init__(self) -> None:
        self.by_topic: dict[str, Counter] = {}
        self._reported: Counter = Counter()

    def add(self, topic: str, result: BatchResult) -> None:
        c = self.by_topic.setdefault(topic, Counter())
        c["applied"] += result.applied
        c["duplicate"] += result.duplicate
        c["rejected"] += sum(result.rejected.values())
        c["redelivered"] += result.skipped

    def line(self) -> str:
        total = sum(self.by_topic.values(), Counter())
        if total == self._reported:
            return ""
        self._reported = total
        parts = [f"{topic}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())) for topic, c in self.by_topic.items()]
        return "booked since start: " + "; ".join(parts)
