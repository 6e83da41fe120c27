"""What the benchmarks share: fresh databases of each engine, the production server, an HTTP load
client and the table of results. Not a benchmark itself: bench/run runs bench/*.py only."""
