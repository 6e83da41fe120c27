"""Counts in fixed windows shared by every process: atomic on both databases, a window never
moved by later additions, a new window after the old one ended, ended windows purged."""

import json
import os
import subprocess
import sys
from collections import Counter

import pytest

from onestop.counters import windows
from onestop.counters.models import WindowCount
from tests.processes import ROOT, fresh_database

T = 1_900_000_000  # a Unix time in 2030


@pytest.mark.django_db
def test_additions_count_within_the_window_that_began_with_the_first():
    assert windows.add({"a": 60}, now=T) == {"a": 1}
    assert windows.add({"a": 60}, now=T + 30) == {"a": 2}
    assert windows.counts(["a", "b"], now=T + 59) == {"a": (2, T + 60)}


@pytest.mark.django_db
def test_an_ended_window_counts_nothing_and_the_next_addition_starts_a_new_one():
    windows.add({"a": 60}, now=T)
    windows.add({"a": 60}, now=T + 1)
    assert windows.counts(["a"], now=T + 60) == {}
    assert windows.add({"a": 60}, now=T + 61) == {"a": 1}
    assert windows.counts(["a"], now=T + 62) == {"a": (1, T + 121)}


@pytest.mark.django_db
def test_ended_windows_are_deleted_when_anything_is_added():
    windows.add({"old": 10, "long": 3600}, now=T)
    windows.add({"new": 10}, now=T + 20)
    assert set(WindowCount.objects.values_list("name", flat=True)) == {"long", "new"}


@pytest.mark.process
def test_additions_from_many_processes_at_once_are_all_counted(tmp_path, settings):
    postgresql = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    processes, times = 6, 25
    with fresh_database("postgresql" if postgresql else "sqlite", tmp_path, "counters") as url:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_"))},
            "DATABASE_URL": url,
            "ONESTOP_VAR_DIR": str(tmp_path / "var"),
            "ONESTOP_SECRET_KEY": "counters-test-key",
            "ONESTOP_DATA_KEYS": "dGVzdHMtcmVsaWFiaWxpdHktZGF0YS1rZXktMzJieXQ=",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }

        def entry(*args) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "tests.counters.windows_entry", *map(str, args)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stderr[-4000:]
            return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

        entry("migrate")
        returned = json.loads(entry("add", "shared", processes, times))
        (count, _ends) = json.loads(entry("count", "shared"))["shared"]

    assert count == processes * times
    # Each addition saw its own count: none was lost or counted twice.
    assert Counter(returned) == Counter(range(1, processes * times + 1))
