"""Tools around the product, not part of it: the demo and its generated year, the benchmarks,
the fault harness and chaos scenarios, the catalogue of hostile inputs, and the worker processes
and free ports they and the tests share (procs)."""
