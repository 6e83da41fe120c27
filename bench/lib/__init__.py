"""What the benchmarks share: fresh databases of each engine, the production server, an HTTP load
client and the table of results. Not a benchmark itself: bench/run runs bench/*.py only."""

import sys
from pathlib import Path

# The checkout's root: the benchmarks make their data with the test suite's factories
# (tests/factories), as the tests do.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
