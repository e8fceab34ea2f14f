"""Who a supplier id names, and which ids look like one business: pure rules on plain values."""

import pytest

from ledger.rules.duplicates import (Match, Profile, blocks, distinct_pairs, same_names, shared_identifiers,
                                     similar_names, unsettled)
from ledger.rules.identity import Finding, canonical, identifier_keys, merges_in_force, normal_name
from schemas.events import normalise_npwp


# --- NPWP and identifier keys ------------------------------------------------------------------------

NPWP = normalise_npwp("012345678431000")


def test_an_npwp_written_with_dots_and_dashes_is_the_same_number_as_its_digits():
    assert normalise_npwp("01.234.567.8-431.000") == normalise_npwp("0012345678431000") == NPWP
    assert normalise_npwp("012345678431001") != NPWP


def test_a_16_digit_npwp_is_accepted_and_14_digits_are_refused():
    assert normalise_npwp("1123456784310001") == "1123456784310001"
    with pytest.raises(ValueError, match="15 or 16 digits"):
        normalise_npwp("01234567843100")


def test_identifier_keys_read_prefixed_and_bare_numbers():
    assert identifier_keys("npwp:01.234.567.8-431.000") == [("npwp", NPWP)]
    assert identifier_keys("NPWP:012345678431000") == [("npwp", NPWP)]
    assert identifier_keys("sikap:ABC123") == identifier_keys("lkpp:ABC123") == [("lkpp", "ABC123")]
    assert identifier_keys("9120001234567") == [("nib", "9120001234567")]
    assert identifier_keys("01.234.567.8-431.000") == [("npwp", NPWP)]


def test_an_ordinary_id_or_a_malformed_npwp_is_no_identifier():
    assert identifier_keys("sup-warung-01") == []
    assert identifier_keys("npwp:1234") == []
    assert identifier_keys("912000123456") == []  # 12 digits: neither NIB nor NPWP


def test_normal_name_sets_case_accents_punctuation_and_spacing_aside():
    assert normal_name("  Warung  Bu SITI,  Cikarang ") == normal_name("warung bu siti cikarang")
    assert normal_name("Kafé Éndah") == "kafe endah"
    assert normal_name("CV. Maju-Jaya") == "cv maju jaya"


# --- merges ------------------------------------------------------------------------------------------

def test_a_merge_chain_is_followed_to_its_end():
    merged = {"c": "b", "b": "a"}
    assert canonical("c", {"a", "b", "c"}, {}, merged) == "a"


def test_a_merge_cycle_stops_where_it_would_repeat():
    merged = {"a": "b", "b": "a"}
    assert canonical("a", {"a", "b"}, {}, merged) == "b"
    assert canonical("b", {"a", "b"}, {}, merged) == "a"


def test_an_unregistered_identifier_counts_for_the_supplier_that_stated_it_then_its_merge():
    owners = {("npwp", NPWP): "other"}
    assert canonical("npwp:01.234.567.8-431.000", {"keep", "other"}, owners, {"other": "keep"}) == "keep"
    assert canonical("npwp:999999999999999", {"keep"}, owners, {}) == "npwp:999999999999999"


def test_an_unmerge_after_a_merge_takes_the_merge_out_of_force():
    findings = [Finding("merged", "keep", "other"), Finding("unmerged", "keep", "other")]
    assert merges_in_force(findings) == {}
    assert merges_in_force([*findings, Finding("merged", "keep", "other")]) == {"other": "keep"}


def test_a_distinct_finding_is_no_merge():
    assert merges_in_force([Finding("distinct", "a", "b")]) == {}


# --- suspected duplicates ---------------------------------------------------------------------------

def profile(sid, name, district="Cikarang Utara", region="3216", **ids) -> Profile:
    return Profile(sid, name, region, district, tuple(sorted(ids.items())))


def test_ids_stating_one_nib_or_one_npwp_are_suspects_and_a_lone_number_is_not():
    found = shared_identifiers([profile("a", "A", npwp=NPWP), profile("b", "B", npwp=NPWP),
                                profile("c", "C", nib="9120001234567"), profile("d", "D", nib="9120001234568"),
                                profile("e", "E", lkpp="X1"), profile("f", "F", lkpp="X1")])
    assert found == [Match("same_npwp", ("a", "b"), NPWP)]


def test_the_same_name_counts_only_in_the_same_region_and_kecamatan():
    found = [m for block in blocks([profile("a", "Warung Bu Siti"), profile("b", "WARUNG  bu siti"),
                                    profile("c", "Warung Bu Siti", district="Tambun Selatan"),
                                    profile("d", "Warung Bu Siti", region="3275"),
                                    profile("e", "Warung bu Siti", district="cikarang  utara")]).values()
             for m in same_names(block)]
    assert found == [Match("same_name", ("a", "b", "e"), "warung bu siti")]


def test_close_names_are_similar_once_and_the_same_name_is_not_repeated_as_similar():
    block = blocks([profile("a", "Toko Sumber Rejeki"), profile("b", "Toko Sumber Rejeki"),
                    profile("c", "Sumber Rejeki Toko."), profile("d", "Toko Sumber Rezeki"),
                    profile("e", "Bengkel Las Jaya")])[("3216", "cikarang utara")]
    found = similar_names(block, 90)
    pairs = sorted((m.supplier_ids, m.score) for m in found)
    # c's words sort to the same as a's and b's: 100; d differs by one letter.
    assert [p for p, _ in pairs] == [("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"), ("c", "d")]
    assert all(m.kind == "similar_name" for m in found)
    assert dict(pairs)[("a", "c")] == 100 and 90 <= dict(pairs)[("a", "d")] < 100
    assert all("e" not in m.supplier_ids for m in found)


def test_a_higher_score_asks_for_closer_names():
    block = blocks([profile("a", "Toko Sumber Rejeki"), profile("d", "Toko Sumber Rezeki")])[("3216", "cikarang utara")]
    assert similar_names(block, 90) and not similar_names(block, 99)


def test_the_latest_finding_on_a_pair_decides_whether_it_is_settled_as_distinct():
    assert distinct_pairs([Finding("distinct", "a", "b")]) == {("a", "b")}
    assert distinct_pairs([Finding("distinct", "a", "b"), Finding("merged", "b", "a")]) == set()
    assert distinct_pairs([Finding("merged", "b", "a"), Finding("unmerged", "b", "a"),
                           Finding("distinct", "a", "b")]) == {("a", "b")}


def test_a_settled_pair_leaves_a_match_and_a_group_keeps_its_unsettled_pairs():
    pair = Match("same_name", ("a", "b"), "x")
    assert unsettled(pair, {("a", "b")}, {}) is None
    assert unsettled(pair, set(), {"a": "a", "b": "a"}) is None  # b is merged into a
    assert unsettled(pair, set(), {"a": "a", "b": "b"}) == pair
    group = Match("same_npwp", ("a", "b", "c"), NPWP)
    assert unsettled(group, {("a", "b")}, {}) == group  # a-c and b-c are still open
    assert unsettled(group, {("a", "b"), ("a", "c")}, {}).supplier_ids == ("b", "c")  # a is settled with both
    assert unsettled(group, {("a", "b"), ("a", "c"), ("b", "c")}, {}) is None
    assert unsettled(group, {("b", "c")}, {"a": "a", "b": "a", "c": "c"}) == Match("same_npwp", ("a", "c"), NPWP)
