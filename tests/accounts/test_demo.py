"""The demo accounts `onestop prepare --demo` makes: one person per role and place, each holding
exactly that role there (accounts/demo.py), staff with their demo device."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.accounts.demo import DEMO_DEVICE
from onestop.cli import main

pytestmark = pytest.mark.django_db

# username, role, region, department: Beijing's matters go to exit-entry (000 §一) and science
# and technology (002 §3); Qingdao's also to human resources (003 第五条, 第六条, 第七条);
# Guangxi's stay permit to exit-entry only (004 item 5).
EXPECTED = [
    ("admin", "system_administrator", None, None),
    ("security.admin", "security_administrator", None, None),
    ("audit.admin", "audit_administrator", None, None),
    ("handler", "employer_handler", None, None),
    ("applicant", "applicant", None, None),
    ("examiner", "pre_examiner", "beijing", None),
    ("clerk", "window_clerk", "beijing", None),
    ("supervisor", "supervisor", "beijing", None),
    ("exit-entry.handler", "department_handler", "beijing", "public_security"),
    ("exit-entry.leader", "department_leader", "beijing", "public_security"),
    ("beijing.science.handler", "department_handler", "beijing", "science_technology"),
    ("beijing.science.leader", "department_leader", "beijing", "science_technology"),
    ("qingdao.examiner", "pre_examiner", "qingdao", None),
    ("qingdao.clerk", "window_clerk", "qingdao", None),
    ("qingdao.supervisor", "supervisor", "qingdao", None),
    ("qingdao.exit-entry.handler", "department_handler", "qingdao", "public_security"),
    ("qingdao.exit-entry.leader", "department_leader", "qingdao", "public_security"),
    ("qingdao.science.handler", "department_handler", "qingdao", "science_technology"),
    ("qingdao.science.leader", "department_leader", "qingdao", "science_technology"),
    ("qingdao.human-resources.handler", "department_handler", "qingdao", "human_resources"),
    ("qingdao.human-resources.leader", "department_leader", "qingdao", "human_resources"),
    ("guangxi.examiner", "pre_examiner", "guangxi", None),
    ("guangxi.clerk", "window_clerk", "guangxi", None),
    ("guangxi.supervisor", "supervisor", "guangxi", None),
    ("guangxi.exit-entry.handler", "department_handler", "guangxi", "public_security"),
    ("guangxi.exit-entry.leader", "department_leader", "guangxi", "public_security"),
]
NOT_STAFF = {"handler", "applicant"}


@pytest.fixture
def prepared(tmp_path, monkeypatch, capsys):
    var = tmp_path / "var"
    monkeypatch.setenv("ONESTOP_VAR_DIR", str(var))
    monkeypatch.delenv("ONESTOP_DEMO_PASSWORD", raising=False)
    assert main(["prepare", "--demo"]) == 0
    capsys.readouterr()
    return var


def assignments(username: str) -> set[tuple]:
    user = User.objects.get(username=username)
    return {
        (
            a.role,
            a.region.code if a.region else None,
            a.department.code if a.department else None,
        )
        for a in user.assignments.select_related("region", "department")
    }


def test_each_demo_account_holds_exactly_its_role_where_it_holds(prepared):
    # One test over the table: each preparation migrates and loads the whole catalog.
    for username, role, region, department in EXPECTED:
        assert assignments(username) == {(role, region, department)}, username


def test_the_demo_accounts_are_all_and_only_the_expected_ones(prepared):
    made = set(User.objects.values_list("username", flat=True)) - {"catalog.editor"}
    assert made == {row[0] for row in EXPECTED}
    editor = User.objects.get(username="catalog.editor")
    assert not editor.assignments.exists() and editor.is_staff
    assert list(editor.groups.values_list("name", flat=True)) == ["catalog editors"]


def test_only_the_administrators_and_the_editor_are_the_admins_staff(prepared):
    staff = set(User.objects.filter(is_staff=True).values_list("username", flat=True))
    assert staff == {"admin", "security.admin", "audit.admin", "catalog.editor"}
    assert not User.objects.filter(is_superuser=True).exists()


def test_every_staff_account_has_its_demo_device_listed_with_its_password(prepared):
    listed = dict(
        line.split(" ", 1) for line in (prepared / "demo-accounts.txt").read_text().splitlines()
    )
    assert set(listed) == {row[0] for row in EXPECTED} | {"catalog.editor"}
    for username in listed:
        devices = TOTPDevice.objects.filter(user__username=username, name=DEMO_DEVICE)
        assert devices.count() == (username not in NOT_STAFF), username
        assert ("totp:" in listed[username]) == (username not in NOT_STAFF), username


def test_a_new_regions_staff_code_is_printed_by_demo_totp(prepared, capsys):
    call_command("demo_totp", "guangxi.exit-entry.handler")
    assert "demo account 'guangxi.exit-entry.handler'" in capsys.readouterr().out


def test_preparing_again_makes_nothing_new_and_lists_nothing_again(prepared, capsys):
    before = (prepared / "demo-accounts.txt").read_text()
    assert main(["prepare", "--demo"]) == 0
    assert "demo accounts" not in capsys.readouterr().out
    assert (prepared / "demo-accounts.txt").read_text() == before
