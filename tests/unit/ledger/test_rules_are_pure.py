"""The rules package decides money and compliance; it must run without a database."""

import ast
from pathlib import Path

import ledger.rules

RULES = Path(ledger.rules.__file__).parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_rule_imports_sqlalchemy_or_the_books():
    for path in sorted(RULES.glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in ("sqlalchemy", "alembic", "streams"), f"{path.name} imports {name}"
            assert not name.startswith(("ledger.books", "ledger.reports", "ledger.models", "ledger.db")), \
                f"{path.name} imports {name}"


def test_rules_import_only_schemas_and_each_other():
    for path in sorted(RULES.glob("*.py")):
        ours = {n for n in _imports(path) if n.split(".")[0] in ("ledger", "schemas", "streams")}
        assert all(n.startswith(("schemas", "ledger.rules")) for n in ours), f"{path.name}: {sorted(ours)}"
