"""Migration applications 0004 is the one reader of plain personal data: rows written before
encryption existed are encrypted by it, on the suite's engine, while everything else refuses a plain
value (tests/applications/test_personal_data.py). Real processes on a fresh database."""

import json

import pytest

from tests.processes import environment, fresh_database, run, suite_engine

pytestmark = pytest.mark.process


def test_rows_written_before_encryption_are_encrypted_by_migration_0004(tmp_path):
    with fresh_database(suite_engine(), tmp_path, "protected") as database_url:
        env = environment(database_url, tmp_path / "var")
        run(env, "-m", "tests.applications.migration_entry", "before")

        done = run(env, "-m", "tests.applications.migration_entry", "after")

    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(column.startswith("fernet:") for column in answer["stored"])
    assert all("E00000001" not in column for column in answer["stored"])
    assert answer["form"] == {"passport_number": "E00000001", "surname": "Earlier"}
    assert answer["profile"] == {"talent_category": "B"}
    assert answer["index_matches"]
