"""Suspected duplicates in the supplier registry (data ganda): which supplier ids look like one
business, and which of those an officer already settled. Pure.

Ids are suspects together when they state one NIB or one NPWP, or when, in one region and
kecamatan, their names are the same (`identity.normal_name`) or very close (rapidfuzz's token
sort ratio at least a score). A pair is settled when an officer's latest finding on it says the
two are distinct, or when a merge makes both count for one supplier.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz, process

from ledger.rules.identity import NIB, NPWP, Finding, normal_name

SAME_NIB, SAME_NPWP, SAME_NAME, SIMILAR_NAME = "same_nib", "same_npwp", "same_name", "similar_name"
KINDS = (SAME_NIB, SAME_NPWP, SAME_NAME, SIMILAR_NAME)
_BY_IDENTIFIER = {NIB: SAME_NIB, NPWP: SAME_NPWP}
Pair = tuple[str, str]  # sorted


@dataclass(frozen=True, slots=True)
class Profile:
    """A supplier id as its latest registration describes it, with every identifier it stated."""

    supplier_id: str
    name: str
    region: str
    district: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind, value)


@dataclass(frozen=True, slots=True)
class Match:
    """Supplier ids suspected to be one business, and why: the shared identifier or name, or
    (similar names) the score of the pair."""

    kind: str
    supplier_ids: tuple[str, ...]  # sorted
    evidence: str
    score: int = 100


def shared_identifiers(profiles: Iterable[Profile]) -> list[Match]:
    """One match per NIB or NPWP stated by more than one supplier id."""
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in profiles:
        for kind, value in p.identifiers:
            if kind in _BY_IDENTIFIER:
                holders[(kind, value)].add(p.supplier_id)
    return [Match(_BY_IDENTIFIER[kind], tuple(sorted(ids)), value)
            for (kind, value), ids in sorted(holders.items()) if len(ids) > 1]


def blocks(profiles: Iterable[Profile]) -> dict[tuple[str, str], dict[str, list[str]]]:
    """{(region, normal kecamatan): {normal name: supplier ids}}: names are compared only within
    a block, so a large registry is many small comparisons."""
    out: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in profiles:
        name = normal_name(p.name)
        if name:
            out[(p.region, normal_name(p.district or ""))][name].append(p.supplier_id)
    return out


def same_names(block: Mapping[str, list[str]]) -> list[Match]:
    """One match per normal name that more than one supplier id of the block registered."""
    return [Match(SAME_NAME, tuple(sorted(set(ids))), name) for name, ids in sorted(block.items())
            if len(set(ids)) > 1]


def similar_names(block: Mapping[str, list[str]], score: int) -> list[Match]:
    """A match per pair of supplier ids whose different normal names score at least `score`
    (token sort ratio, 0-100); same names are `same_names`' and not repeated here."""
    # Token sort ratio is the plain ratio of the names with their words in order: sorting once
    # spares each comparison that work. In order of length, a name is compared only with the
    # longer names that could still reach the score (2 * shorter / both lengths >= score / 100).
    names = sorted(block, key=lambda n: (len(n), n))
    sorted_words = [" ".join(sorted(n.split())) for n in names]
    lengths = [len(n) for n in sorted_words]
    out = []
    for i, query in enumerate(sorted_words[:-1]):
        reach = bisect_right(lengths, lengths[i] * (200 - score) // score)
        for _, found, j in process.extract(query, sorted_words[i + 1:reach], scorer=fuzz.ratio, processor=None,
                                           score_cutoff=score, limit=None):
            a, b = names[i], names[i + 1 + j]
            for x in block[a]:
                for y in block[b]:
                    if x != y:
                        out.append(Match(SIMILAR_NAME, tuple(sorted((x, y))), f"{a} ~ {b}", int(found)))
    return out


def distinct_pairs(findings: Iterable[Finding]) -> set[Pair]:
    """Pairs whose latest finding (in the order given) is `distinct`; a later merge or unmerge of
    the two replaces it."""
    latest: dict[Pair, str] = {}
    for f in findings:
        latest[pair(f.keep, f.other)] = f.kind
    return {p for p, kind in latest.items() if kind == "distinct"}


def pair(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def unsettled(match: Match, distinct: set[Pair], counted_as: Mapping[str, str]) -> Match | None:
    """The match without the ids all of whose pairs are settled (distinct, or merged into one
    supplier); None when no unsettled pair is left."""
    keep: set[str] = set()
    for a, b in combinations(match.supplier_ids, 2):
        if pair(a, b) not in distinct and counted_as.get(a, a) != counted_as.get(b, b):
            keep |= {a, b}
    if not keep:
        return None
    return Match(match.kind, tuple(sorted(keep)), match.evidence, match.score)
