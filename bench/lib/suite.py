"""Every benchmark once (bench/*.py, each on SQLite and on PostgreSQL where it uses a database),
then one table of their ratios with the absolute figures beside them.

Run: bench/run [--engine sqlite] [--only progress] ...
Exits non-zero when a benchmark fails or a booking rush overbooks; a target not reached is
reported in the table, not an error: the figures depend on the machine, the ratios less so.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib import results  # noqa: E402
from lib.engines import ENGINES, templates  # noqa: E402

BENCH = Path(__file__).resolve().parents[1]


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=ENGINES, action="append", help="only this engine")
    parser.add_argument("--only", action="append", help="only this benchmark (file name stem)")
    return parser.parse_args(argv)


def main() -> int:
    args = options()
    benches = sorted(p for p in BENCH.glob("*.py") if not args.only or p.stem in args.only)
    failed = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="onestop-bench-") as folder:
        path = str(Path(folder) / "results.jsonl")
        env = {"ONESTOP_BENCH_RESULTS": path}
        if args.engine:
            os.environ["ONESTOP_BENCH_ENGINES"] = ",".join(args.engine)
        with templates(args, folder):
            print(f"prepared databases: {time.perf_counter() - began:.0f} s", flush=True)
            for bench in benches:
                print(f"\n== {bench.name}", flush=True)
                started = time.perf_counter()
                done = subprocess.run(  # noqa: S603 - our own benchmarks
                    [sys.executable, str(bench)], env={**os.environ, **env}, check=False
                )
                print(f"-- {bench.name}: {time.perf_counter() - started:.0f} s", flush=True)
                if done.returncode:
                    failed.append(bench.name)
        rows = results.read(path)
    print(
        f"\n== results ({time.perf_counter() - began:.0f} s in all; ratios are the figures "
        "to compare, the absolute ones depend on the machine and its load)"
    )
    print(results.table(rows))
    overbooked = [r for r in rows if r.measure.startswith("overbooked") and not r.met]
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    if overbooked:
        print("\noverbooked: a rush booked beyond capacity")
    return 1 if failed or overbooked else 0


if __name__ == "__main__":
    sys.exit(main())
