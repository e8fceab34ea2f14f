"""The read side: standings, a buyer's entries, suppliers and spend, as frozen rows of plain
values, live or as the ledger knew them at a past moment. No words for people here: the
officers' package of streams turns these rows into tables, files and pages."""
