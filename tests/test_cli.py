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


def test_prepare_creates_demo_accounts_only_when_asked(tmp_path, monkeypatch, capsys):
    from django.contrib.auth.models import User

    monkeypatch.setenv("ONESTOP_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", "a demo password of the tests")
    assert main(["prepare"]) == 0
    assert not User.objects.filter(username__in=["admin", "clerk"]).exists()
    assert "demo accounts" not in capsys.readouterr().out
    assert main(["prepare", "--demo"]) == 0
    # The demo administrators are separated, none a superuser (accounts/administrators.py).
    admin = User.objects.get(username="admin", is_staff=True, is_superuser=False)
    assert admin.assignments.get().role == "system_administrator"
    assert "demo accounts admin" in capsys.readouterr().out
