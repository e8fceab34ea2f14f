"""What an entry's class rests on, as an officer reads it beside each purchase."""

import pytest

from ledger.rules.basis import class_basis


@pytest.mark.parametrize("scale, profile, declared, basis", [
    ("kecil", False, None, "registry"),
    ("besar", False, 100, "registry"),  # the registry's class wins over a declaration, whatever it says
    ("mikro", True, None, "lkpp_profile"),
    ("unregistered", False, 500, "declaration"),
    ("unregistered", False, 0, "declaration"),  # a declaration of 0 is still what the source says
    ("lapsed", True, None, "unknown"),  # a lapsed registration vouches for nothing that day
    ("unregistered", False, None, "unknown"),
])
def test_the_registry_first_then_the_sources_declaration_never_a_guess(scale, profile, declared, basis):
    assert class_basis(scale, profile, declared) == basis
