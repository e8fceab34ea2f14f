"""The web's pure parts: a key's token bucket, where a login may send the browser back to, what a
refused input echoes, and which principal sees which buyer."""

import pytest
from fastapi import HTTPException

from ledger.rules.access import key_principal, user_principal
from ledger.rules.programs import BuyerInfo
from streams.web.auth import Buckets, local_path
from streams.web.hardening import ECHO, _short
from streams.web.sight import Sight


def test_a_key_may_spend_its_burst_at_once_then_waits_for_its_rate():
    bucket = Buckets(rate=2.0, burst=3)
    assert [bucket.wait("key:a", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.wait("key:a", now=100.0) == 0.5
    assert bucket.wait("key:b", now=100.0) == 0.0  # each key its own bucket
    assert bucket.wait("key:a", now=100.5) == 0.0  # half a second later one request is due again


def test_login_sends_back_only_to_a_path_of_this_site():
    assert local_path("/buyers/opd-3216-dinkes?lang=en") == "/buyers/opd-3216-dinkes?lang=en"
    for elsewhere in ("//evil.example/", "/\\evil.example", "https://evil.example/", "evil", "", None, "/a\r\nSet-Cookie: x"):
        assert local_path(elsewhere) == "/", elsewhere


def test_a_refused_input_is_echoed_no_longer_than_the_cap():
    error = _short({"type": "string_too_long", "loc": ["query", "program"], "msg": "too long", "input": "x" * 100_000,
                    "url": "https://errors.pydantic.dev/"})
    assert len(error["input"]) == ECHO + 1 and "url" not in error
    assert _short({"type": "missing", "loc": ["query"], "msg": "m", "input": None})["input"] == "None"


class Books:
    """What Sight reads of a scope: buyers with their regions, and programs."""
    buyers = {"opd-3216-dinkes": BuyerInfo("agency", "3216"), "opd-3275-rsud": BuyerInfo("agency", "3275")}
    programs = []

    def program(self, program_id):
        return None


def test_an_officer_sees_the_lines_of_its_region_and_is_refused_any_other_buyer_alike():
    sight = Sight(user_principal("siti", "officer", regions=["3216"]), Books())
    assert sight.line("opd-3216-dinkes", "3216") and not sight.line("opd-3275-rsud", "3275")
    assert sight.buyer("opd-3216-dinkes") and not sight.buyer("opd-3275-rsud")
    refusals = []
    for buyer in ("opd-3275-rsud", "no-such-buyer"):
        with pytest.raises(HTTPException) as refused:
            sight.own_buyer(buyer)
        refusals.append((refused.value.status_code, refused.value.detail.replace(buyer, "?")))
    assert refusals[0] == refusals[1] and refusals[0][0] == 403  # never says whether it exists
    assert sight.region(None) == "3216"


def test_a_buyer_key_sees_its_own_buyer_and_no_registry():
    sight = Sight(key_principal("abc", ["read"], "opd-3216-dinkes", registry=False), Books())
    assert sight.buyer("opd-3216-dinkes") and not sight.line("*", "3216")
    with pytest.raises(HTTPException):
        sight.region("3216")
