"""Checklist evaluations per second: one matter and a bundle, side by side in one run.

Run: .venv/bin/python bench/checklists.py [--seconds 0.5] [--rounds 3] [--engine sqlite]
On a fresh database of each engine (the catalog is read from it). Rounds alternate the cases;
each rate is its median round.
"""

import argparse
import time
from datetime import date

from lib import engines, results

CASES = {
    "matter residence_permit.issue (beijing)": {"matter": "residence_permit.issue"},
    "matter permanent_residence.apply (beijing)": {"matter": "permanent_residence.apply"},
    "bundle two_permits (beijing)": {"bundle": "two_permits"},
}
SINGLE, BUNDLE = "matter residence_permit.issue (beijing)", "bundle two_permits (beijing)"


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="per case and round")
    parser.add_argument("--rounds", type=int, default=3)
    engines.add_engine_options(parser)
    return parser.parse_args(argv)


def _profile():
    from onestop.rules.profile import Profile

    return Profile(
        application_date=date(2026, 11, 25),
        date_of_birth=date(1990, 5, 1),
        talent_category="B",
        job_type="ordinary",
        requested_validity_days=730,
        in_mainland=True,
        has_mainland_household_registration=False,
    )


def rate(what: dict, profile, seconds: float) -> float:
    from onestop.rules.checklist import checklist

    done, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        checklist("beijing", profile, **what)
        done += 1
    return done / (time.perf_counter() - began)


def run(engine: str, args) -> dict:
    """In a process with Django set up on a fresh database of `engine`."""
    engines.prepare_database()
    profile = _profile()
    for what in CASES.values():
        rate(what, profile, 0.2)  # warm up
    rounds = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, what in CASES.items():
            rounds[name].append(rate(what, profile, args.seconds))
    return {name: sorted(rates)[len(rates) // 2] for name, rates in rounds.items()}


def main() -> None:
    args = options()
    for engine, found in engines.on_each_engine(run, args).items():
        for name, per_second in found.items():
            print(f"{engine:<10} {name:<45} {per_second:>8,.0f} checklists per second")
        print(f"{engine:<10} ratio single matter / bundle: {found[SINGLE] / found[BUNDLE]:.1f}x")
        results.record(
            results.Row(
                bench="checklists",
                engine=engine,
                measure="bundle two_permits /s",
                value=found[BUNDLE],
                baseline="one matter (residence permit)",
                baseline_value=found[SINGLE],
            )
        )


if __name__ == "__main__":
    main()
