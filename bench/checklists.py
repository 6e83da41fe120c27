"""Checklist evaluations per second: one matter and a bundle, side by side in one run.

Run: .venv/bin/python bench/checklists.py   (uses a fresh SQLite database in a temporary folder)
"""

import os
import tempfile
import time
from datetime import date

import django

VAR = tempfile.mkdtemp(prefix="onestop-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
os.environ.setdefault("ONESTOP_DEBUG", "1")
os.environ["DATABASE_URL"] = f"sqlite:///{VAR}/bench.sqlite3"
django.setup()

from django.core.management import call_command  # noqa: E402

from onestop.catalog.loader import load  # noqa: E402
from onestop.rules.checklist import checklist  # noqa: E402
from onestop.rules.profile import Profile  # noqa: E402

PROFILE = Profile(
    application_date=date(2026, 11, 25),
    date_of_birth=date(1990, 5, 1),
    talent_category="B",
    job_type="ordinary",
    requested_validity_days=730,
    in_mainland=True,
    has_mainland_household_registration=False,
)
CASES = {
    "matter residence_permit.issue (beijing)": {"matter": "residence_permit.issue"},
    "matter permanent_residence.apply (beijing)": {"matter": "permanent_residence.apply"},
    "bundle two_permits (beijing)": {"bundle": "two_permits"},
}


def rate(what: dict, seconds: float = 1.0) -> float:
    done, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        checklist("beijing", PROFILE, **what)
        done += 1
    return done / (time.perf_counter() - began)


def main() -> None:
    call_command("migrate", verbosity=0)
    load()
    for what in CASES.values():
        rate(what, 0.2)  # warm up
    results = {name: rate(what) for name, what in CASES.items()}
    for name, per_second in results.items():
        print(f"{name:<45} {per_second:>8,.0f} checklists per second")
    single, bundle = results[next(iter(CASES))], results["bundle two_permits (beijing)"]
    print(f"ratio single matter / bundle: {single / bundle:.1f}x")


if __name__ == "__main__":
    main()
