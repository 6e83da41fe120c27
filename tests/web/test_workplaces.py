"""Each person's own work (web/workplaces.py): where they land after signing in, the header's
links to the pages their roles open and to no other, the page of someone with several places;
the demo staff of every region working their own region's applications."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.accounts import two_factor
from onestop.accounts.demo import ensure_demo_accounts
from onestop.accounts.models import Assignment, Role
from onestop.catalog.models import Region

from ..clients import as_
from ..factories import FORM, ApplicationFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a demo password of the tests"  # noqa: S105
LOGIN = "/accounts/login/"
CODE_STEP = "/accounts/login/code/"
MY_APPLICATIONS = "/my/applications/"
# Every staff link the header may show (web/workplaces.py PLACES).
STAFF_LINKS = {
    "/staff/pre-examination/",
    "/staff/window/",
    "/staff/hand-over/",
    "/staff/cases/",
    "/staff/opinions/",
    "/staff/supervision/",
    "/admin/",
    "/staff/calendar/",
    "/staff/jobs/",
}
# A department's staff work on the case queue and answer the opinions asked of them.
DEPARTMENT_LINKS = {"/staff/cases/", "/staff/opinions/"}
# username, where they land, the staff links of their header.
HOMES = [
    ("examiner", "/staff/pre-examination/", {"/staff/pre-examination/"}),
    ("qingdao.examiner", "/staff/pre-examination/", {"/staff/pre-examination/"}),
    ("clerk", "/staff/window/", {"/staff/window/", "/staff/hand-over/"}),
    ("qingdao.clerk", "/staff/window/", {"/staff/window/", "/staff/hand-over/"}),
    ("exit-entry.handler", "/staff/cases/", DEPARTMENT_LINKS),
    ("beijing.science.leader", "/staff/cases/", DEPARTMENT_LINKS),
    ("guangxi.exit-entry.handler", "/staff/cases/", DEPARTMENT_LINKS),
    ("qingdao.human-resources.leader", "/staff/cases/", DEPARTMENT_LINKS),
    ("supervisor", "/staff/supervision/", {"/staff/supervision/"}),
    ("guangxi.supervisor", "/staff/supervision/", {"/staff/supervision/"}),
    ("catalog.editor", "/admin/", {"/admin/", "/staff/calendar/"}),
    # The system administrator has two desks: the admin and the background jobs.
    ("admin", "/staff/", {"/staff/jobs/", "/admin/", "/staff/calendar/"}),
    ("audit.admin", "/admin/", {"/admin/", "/staff/calendar/"}),
    ("handler", MY_APPLICATIONS, set()),
    ("applicant", MY_APPLICATIONS, set()),
]


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", PASSWORD)
    ensure_demo_accounts(tmp_path)


@pytest.fixture
def english():
    client = Client()
    client.cookies["onestop_language"] = "en"
    return client


def sign_in(client, username, **extra):
    """Through the sign-in pages: the password, then for staff the demo device's code; the
    page the person is sent to."""
    response = client.post(LOGIN, {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 302, username
    if response["Location"] == CODE_STEP:
        device = TOTPDevice.objects.get(user__username=username)
        code, _ = two_factor.current_code(device)
        response = client.post(CODE_STEP, {"code": code})
        assert response.status_code == 302, username
    return response["Location"]


def header_links(page: str) -> set[str]:
    nav = re.search(r'<nav class="account".*?</nav>', page, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.parametrize(("username", "home", "links"), HOMES, ids=[h[0] for h in HOMES])
def test_each_person_lands_on_their_own_work(demo, english, username, home, links):
    assert sign_in(english, username) == home
    assert english.get(home).status_code == 200


@pytest.mark.parametrize(("username", "home", "links"), HOMES, ids=[h[0] for h in HOMES])
def test_the_header_links_only_the_pages_the_roles_open(demo, english, username, home, links):
    english.force_login(User.objects.get(username=username))
    shown = header_links(english.get("/").content.decode())  # the admin has its own header
    assert shown & STAFF_LINKS == links
    assert (MY_APPLICATIONS in shown) == (not links)
    for link in shown & STAFF_LINKS:
        assert english.get(link).status_code == 200, link


def test_someone_with_several_places_lands_on_the_list_of_them(demo, english):
    examiner = User.objects.get(username="qingdao.examiner")
    Assignment.objects.create(
        user=examiner, role=Role.WINDOW_CLERK, region=Region.objects.get(code="qingdao")
    )
    assert sign_in(english, "qingdao.examiner") == "/staff/"
    page = english.get("/staff/").content.decode()
    assert "Your places of work" in page
    main = page.split('<main id="main">')[1].split("</main>")[0]
    assert set(re.findall(r'href="([^"]+)"', main)) == {
        "/staff/pre-examination/",
        "/staff/window/",
        "/staff/employers/",
        "/staff/hand-over/",
    }


def test_the_list_of_places_is_refused_to_an_applicant(demo, english):
    english.force_login(User.objects.get(username="applicant"))
    assert english.get("/staff/").status_code == 403


def test_an_explicit_next_page_of_the_site_is_kept(demo, english):
    assert sign_in(english, "qingdao.clerk", next="/progress/") == "/progress/"


def test_a_next_page_elsewhere_gives_the_persons_own_work(demo, english):
    assert sign_in(english, "qingdao.clerk", next="https://example.com/") == "/staff/window/"


def test_a_signed_in_person_at_the_sign_in_page_is_sent_to_their_work(demo, english):
    english.force_login(User.objects.get(username="guangxi.clerk"))
    assert english.get(LOGIN)["Location"] == "/staff/window/"


@pytest.mark.parametrize("path", ["/admin/", "/staff/calendar/"])
def test_a_supervisor_gets_the_403_page_not_the_sign_in(demo, english, path):
    english.force_login(User.objects.get(username="supervisor"))
    response = english.get(path)
    assert response.status_code == 403
    assert 'id="id_password"' not in response.content.decode()


@pytest.mark.parametrize("path", ["/admin/", "/staff/calendar/", "/staff/"])
def test_a_stranger_is_still_sent_to_sign_in(english, path):
    response = english.get(path)
    assert response.status_code == 302 and "/login/" in response["Location"]


# Each region's staff work their own region's applications, never Beijing's.


def test_the_qingdao_examiner_sees_qingdao_applications_and_not_beijings(demo):
    qingdao = ApplicationFactory(region="qingdao", matter="residence_permit.issue", submitted=True)
    beijing = ApplicationFactory(submitted=True)
    page = as_(User.objects.get(username="qingdao.examiner")).get("/staff/pre-examination/")
    assert qingdao.number in page.content.decode()
    assert beijing.number not in page.content.decode()


def test_the_qingdao_clerk_finds_qingdao_applications_and_not_beijings(demo):
    qingdao = ApplicationFactory(
        region="qingdao", matter="residence_permit.issue", pre_examined=True
    )
    beijing = ApplicationFactory(pre_examined=True)
    clerk = as_(User.objects.get(username="qingdao.clerk"))
    found = clerk.get("/staff/window/", {"number": qingdao.number})
    assert found.status_code == 302 and qingdao.number in found["Location"]
    assert clerk.get(found["Location"]).status_code == 200
    missing = clerk.get("/staff/window/", {"number": beijing.number})
    assert missing.status_code == 404 and 'id="not-found"' in missing.content.decode()


def test_the_guangxi_exit_entry_handler_sees_guangxi_cases_and_not_beijings(demo):
    guangxi = ApplicationFactory(region="guangxi", matter="stay_permit.issue", accepted=True)
    beijing = ApplicationFactory(matter="residence_permit.issue", accepted=True)
    handler = as_(User.objects.get(username="guangxi.exit-entry.handler"))
    page = handler.get("/staff/cases/").content.decode()
    assert guangxi.number in page and beijing.number not in page
    case = guangxi.cases.get()
    assert handler.get(f"/staff/cases/{case.pk}/").status_code == 200
    assert handler.get(f"/staff/cases/{beijing.cases.get().pk}/").status_code == 404


def test_the_qingdao_science_handler_sees_qingdao_work_permits_only(demo):
    # The work permit asks for the employer's part of the form, not the residence's own.
    residence_only = ("residence_purpose", "residence_valid_until")
    form = {k: v for k, v in FORM.items() if k not in residence_only}
    work_permit = {"matter": "work_permit.issue", "form": form, "accepted": True}
    qingdao = ApplicationFactory(region="qingdao", **work_permit)
    beijing = ApplicationFactory(**work_permit)
    exit_entry = ApplicationFactory(
        region="qingdao", matter="residence_permit.issue", accepted=True
    )
    page = as_(User.objects.get(username="qingdao.science.handler")).get("/staff/cases/")
    text = page.content.decode()
    assert qingdao.number in text
    assert beijing.number not in text and exit_entry.number not in text


# The back office's own models, as its index lists them to each person who works there.
BACK_OFFICE_IN_CHINESE = {
    "catalog.editor": ["事项目录", "事项版本", "“一件事”版本", "办事大厅", "来源文件已知缺陷"],
    "security.admin": ["角色分配", "用人单位"],
    "audit.admin": ["审计记录"],
}


@pytest.mark.parametrize("username", BACK_OFFICE_IN_CHINESE)
def test_the_back_office_names_its_records_in_chinese_on_chinese_pages(demo, username):
    chinese = Client()
    chinese.cookies["onestop_language"] = "zh-hans"
    assert sign_in(chinese, username) == "/admin/"
    page = chinese.get("/admin/").content.decode()
    for name in BACK_OFFICE_IN_CHINESE[username]:
        assert name in page, name
    for english in ("Matter versions", "Bundle versions", "Halls", "Assignments", "Employers"):
        assert english not in page, english
    # The admin's own words, not the same English words' meaning on the service's pages.
    assert "修改" in page and "改约" not in page


def test_a_records_history_in_the_back_office_is_its_history(demo):
    chinese = Client()
    chinese.cookies["onestop_language"] = "zh-hans"
    sign_in(chinese, "catalog.editor")
    region = Region.objects.get(code="beijing")
    page = chinese.get(f"/admin/catalog/region/{region.pk}/change/").content.decode()
    assert ">历史<" in page and "办理记录" not in page
    for label in ("名称（中文）", "名称（英文）", "编号前缀", "依据"):
        assert label in page, label
    assert "Name zh" not in page
