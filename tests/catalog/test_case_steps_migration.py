"""Migrations catalog 0003 to 0006 give matter versions loaded before the case steps, the
photo's rules, the opinions' rules, the shared results and the one form travelled with them the
table the code applied to their cases and the rules it read until then, on the suite's engine. Real
processes on a fresh database."""

import json

import pytest

from tests.processes import environment, fresh_database, run, suite_engine

pytestmark = pytest.mark.process


def test_versions_without_case_steps_get_the_former_table(tmp_path):
    with fresh_database(suite_engine(), tmp_path, "case_steps") as database_url:
        env = environment(database_url, tmp_path / "var")
        run(env, "-m", "tests.catalog.migration_entry", "before")
        done = run(env, "-m", "tests.catalog.migration_entry", "after")

    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert [(s["code"], s["working_days"]) for s in answer["flow"]] == [("handler_review", 2)]
    assert answer["steps"] == ["review", "approval", "production", "ready"]
    assert answer["approve"] == [["department_leader"], "review"]
    assert answer["deliver"] == ["window_clerk", "department_handler"]
    assert answer["budget"] == 2
    assert answer["photo"] is False  # the stay permit has no photo material
    assert answer["photo_materials"][0] == "photos" and len(answer["photo_materials"]) == 5
    assert answer["recent_months"] == 6
    assert answer["opinions"] == {
        "working_days": None,
        "pauses_clock": False,
        "source": "003 第十八条",
    }
    assert answer["shared_with"] == ["residence_permit", "social_insurance", "social_security_card"]
    assert answer["form"][0] == "applicant" and answer["form"][-1] == "declaration"
    assert answer["phone"]["required"] is True
