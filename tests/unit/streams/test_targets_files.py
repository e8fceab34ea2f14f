"""Officers' files as `kuota targets apply` reads them: TOML or YAML, every mistake reported."""

import pytest
import yaml

from ledger.errors import KuotaError
from streams.kafka.targets_files import targets_from

TOML = """
occurred_at = 2024-01-02T09:00:00+07:00
[[budget]]
agency_id = "opd-3216-dinkes"
fiscal_year = 2024
budget = 70_000_000_000
"""


def test_the_same_budget_in_toml_and_yaml_gives_the_same_event(tmp_path):
    toml_file, yaml_file = tmp_path / "pagu.toml", tmp_path / "pagu.yaml"
    toml_file.write_text(TOML)
    yaml_file.write_text(yaml.safe_dump({"occurred_at": "2024-01-02T09:00:00+07:00", "budget": [
        {"agency_id": "opd-3216-dinkes", "fiscal_year": 2024, "budget": 70_000_000_000}]}))
    [from_toml], [from_yaml] = targets_from(toml_file), targets_from(yaml_file)
    assert from_toml == from_yaml
    assert (from_toml.type, from_toml.budget) == ("budget.declared", 70_000_000_000)


@pytest.mark.parametrize("text, message", [
    ("[[budget]\nagency_id = 1", "not valid TOML"),
    ("[[budget]]\nagency_id = \"opd-1\"\nfiscal_year = 2024\nbudget = 1.5e9\n", "budget #1"),
])
def test_a_bad_file_is_refused_with_where_and_why(tmp_path, text, message):
    path = tmp_path / "pagu.toml"
    path.write_text(text)
    with pytest.raises(KuotaError, match=message):
        targets_from(path)
