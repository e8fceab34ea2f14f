"""Importers: records where they already live (LKPP's SPSE, e-Katalog, Toko Daring and SIRUP,
OCDS packages, officers' spreadsheets) mapped to contract events and sent to the topics the
worker consumes, like `kuota emit`; nothing bypasses the stream. One module per source format,
each a pure mapping from one source record to events or a reason it is not imported."""
