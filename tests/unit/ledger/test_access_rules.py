"""Who may send and see what, on plain values."""

from datetime import date, datetime, timedelta, timezone

import pytest

from ledger.rules.access import (
    Principal, key_expired, key_principal, lock_after_failure, locked, parse_scopes, touch_due, user_principal,
    user_problems,
)

NOW = datetime(2026, 3, 1, 8, tzinfo=timezone.utc)
ADMIN = user_principal("ana", "admin")
AUDITOR = user_principal("aud", "auditor")
OFFICER = user_principal("oki", "officer", {"3216"})
BUYER_USER = user_principal("budi", "buyer", buyer_id="B1")
BUYER_KEY = key_principal("0123456789ab", {"ingest", "read"}, "B1", registry=False)
READ_KEY = key_principal("0123456789ac", {"read"}, "B1", registry=False)
INGEST_KEY = key_principal("0123456789ad", {"ingest"}, "B1", registry=False)
REGISTRY_KEY = key_principal("0123456789ae", {"ingest"}, None, registry=True)


def test_principals_name_their_actor_and_role():
    assert OFFICER == Principal("user:oki", "officer", frozenset({"3216"}), None, frozenset({"read"}))
    assert BUYER_KEY.actor == "key:0123456789ab" and BUYER_KEY.role == "key"


def test_an_officer_sees_buyers_and_programs_of_its_regions_only():
    assert OFFICER.sees_buyer("B1", "3216")
    assert not OFFICER.sees_buyer("B2", "3275")
    assert not OFFICER.sees_buyer("B3", None)
    assert OFFICER.sees_region("3216") and not OFFICER.sees_region("3275")
    assert not OFFICER.sees_everything() and not OFFICER.may_administer()


def test_a_buyer_user_sees_only_its_own_buyer_wherever_it_is():
    assert BUYER_USER.sees_buyer("B1", "3216")
    assert not BUYER_USER.sees_buyer("B2", "3216")
    assert not BUYER_USER.sees_region("3216")
    assert BUYER_USER.may_read() and not BUYER_USER.may_ingest()


def test_an_auditor_reads_everything_and_administers_nothing():
    assert AUDITOR.sees_everything() and AUDITOR.may_read()
    assert AUDITOR.sees_buyer("B9", "3674") and AUDITOR.sees_region("3674")
    assert not AUDITOR.may_administer() and not AUDITOR.may_ingest()


def test_an_admin_sees_and_administers_but_does_not_send_events():
    assert ADMIN.sees_buyer("B9", None) and ADMIN.may_administer()
    assert not ADMIN.may_send_purchase("B9") and not ADMIN.may_send_supplier()


def test_a_buyer_key_sends_and_reads_only_its_own_buyer():
    assert BUYER_KEY.may_send_purchase("B1") and not BUYER_KEY.may_send_purchase("B2")
    assert BUYER_KEY.sees_buyer("B1", "3216") and not BUYER_KEY.sees_buyer("B2", "3216")
    assert not BUYER_KEY.may_send_supplier() and not BUYER_KEY.sees_region("3216")


def test_a_read_only_key_cannot_ingest_and_an_ingest_only_key_cannot_read():
    assert READ_KEY.may_read() and not READ_KEY.may_ingest() and not READ_KEY.may_send_purchase("B1")
    assert INGEST_KEY.may_send_purchase("B1") and not INGEST_KEY.may_read()
    assert not INGEST_KEY.sees_buyer("B1", "3216")


def test_the_registry_key_sends_supplier_events_only():
    assert REGISTRY_KEY.may_send_supplier()
    assert not REGISTRY_KEY.may_send_purchase("B1")
    assert not REGISTRY_KEY.sees_buyer("B1", "3216")
    assert not key_principal("0123456789af", {"read"}, None, registry=True).may_send_supplier()


def test_a_registry_key_never_carries_a_buyer():
    assert key_principal("0123456789ab", {"ingest"}, "B1", registry=True).buyer_id is None


def test_a_user_with_an_unknown_role_reads_nothing():
    assert not Principal("user:x", "guest").may_read()
    assert not Principal("user:x", "guest").sees_buyer("B1", "3216")


@pytest.mark.parametrize("text, scopes", [("ingest", {"ingest"}), ("read", {"read"}),
                                          ("ingest,read", {"ingest", "read"}), (" read , ingest ", {"ingest", "read"})])
def test_scopes_are_read_from_their_comma_list(text, scopes):
    assert parse_scopes(text) == scopes


@pytest.mark.parametrize("text", ["", "write", "read,admin"])
def test_unknown_or_missing_scopes_are_refused(text):
    with pytest.raises(ValueError, match="ingest, read"):
        parse_scopes(text)


def test_user_problems_name_what_each_role_needs():
    assert user_problems("officer", [], None) == ["an officer needs at least one region (--region CODE, e.g. 3216)"]
    assert user_problems("buyer", [], None) == ["a buyer user needs --buyer ID"]
    assert user_problems("officer", ["3216", "32"], None) == ["region '32' is not a BPS code of 4 digits"]
    assert user_problems("auditor", ["3216"], "B1") == ["only an officer has regions; drop --region",
                                                        "only a buyer user has a buyer; drop --buyer"]
    assert user_problems("root", [], None) == ["role 'root' is not one of: admin, officer, auditor, buyer"]
    assert user_problems("officer", ["3216", "3275"], None) == []
    assert user_problems("buyer", [], "B1") == []


def test_a_key_is_good_through_its_last_day():
    assert not key_expired(date(2026, 3, 1), date(2026, 3, 1))
    assert key_expired(date(2026, 3, 1), date(2026, 3, 2))
    assert not key_expired(None, date(2099, 1, 1))


def test_the_fifth_failure_locks_for_fifteen_minutes():
    assert lock_after_failure(4, NOW) is None
    until = lock_after_failure(5, NOW)
    assert until == NOW + timedelta(minutes=15)
    assert locked(until, NOW + timedelta(minutes=14)) and not locked(until, until)
    assert not locked(None, NOW)


def test_last_used_is_written_at_most_once_a_minute():
    assert touch_due(None, NOW)
    assert not touch_due(NOW, NOW + timedelta(seconds=59))
    assert touch_due(NOW, NOW + timedelta(seconds=60))
