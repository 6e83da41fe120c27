"""The `onestop` command."""

import json

import pytest

from onestop.cli import main

pytestmark = pytest.mark.django_db


def test_checklist_prints_the_json_answer(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ONESTOP_VAR_DIR", str(tmp_path / "var"))
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"stay_reason": "ordered_to_leave"}), encoding="utf-8")
    code = main(
        [
            "checklist",
            "--region",
            "guangxi",
            "--matter",
            "stay_permit.issue",
            "--profile",
            str(profile),
        ]
    )
    answer = json.loads(capsys.readouterr().out)
    assert code == 0 and answer["eligible"] is True
    assert answer["validity"]["en"] == "At most 15 days"


def test_checklist_explains_a_bad_profile_and_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ONESTOP_VAR_DIR", str(tmp_path / "var"))
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"talent_category": "Z"}), encoding="utf-8")
    code = main(
        ["checklist", "--region", "beijing", "--bundle", "two_permits", "--profile", str(profile)]
    )
    assert code == 2
    assert "talent_category" in capsys.readouterr().err
