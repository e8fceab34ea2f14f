"""Tools around the product, not part of it: the demo and its generated year, the benchmarks,
the fault harness and chaos scenarios, and the catalogue of hostile inputs."""
