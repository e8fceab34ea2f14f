"""Rules that decide money and compliance: pure functions over plain values and the contract's
models. Nothing here touches a database (a unit test fails if anything imports SQLAlchemy)."""
