"""Demo staff of other regions land on their own work (web/workplaces.py): the Qingdao window
clerk on the window, the Guangxi exit-entry handler on their department's cases with the
region's stay permit waiting (004), in English and in Chinese. Both sign in through the real
pages with the password and the code of their demo device (accounts/demo.py)."""

import pytest
from django.contrib.auth.models import User

from tests.factories import ApplicationFactory

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a demo password of the tests"  # noqa: S105


def header_links(page) -> set[str]:
    return {a.get_attribute("href") for a in page.locator("nav.account a").all()}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_qingdao_clerk_and_a_guangxi_handler_land_on_their_work(demo, journey, language):
    stay_permit = ApplicationFactory(region="guangxi", matter="stay_permit.issue", accepted=True)
    beijing = ApplicationFactory(matter="residence_permit.issue", accepted=True)

    clerk = journey("staff-home-qingdao-clerk", language=language)
    clerk.sign_in(User.objects.get(username="qingdao.clerk"), PASSWORD)
    assert clerk.page.url.endswith("/staff/window/"), clerk.page.url
    assert "/staff/window/" in header_links(clerk.page)
    assert not header_links(clerk.page) & {"/staff/cases/", "/my/applications/", "/admin/"}
    clerk.check("the qingdao clerk lands on the window")

    handler = journey("staff-home-guangxi-handler", language=language)
    page = handler.page
    handler.sign_in(User.objects.get(username="guangxi.exit-entry.handler"), PASSWORD)
    assert page.url.endswith("/staff/cases/"), page.url
    assert "/staff/cases/" in header_links(page)
    assert not header_links(page) & {"/staff/window/", "/my/applications/", "/admin/"}
    queue = page.locator("main").inner_text()
    assert stay_permit.number in queue and beijing.number not in queue
    handler.check("the guangxi handler lands on the department's cases")
    follow(page.get_by_role("link", name=stay_permit.number))
    assert page.locator("h1").count() == 1
    handler.check("the guangxi stay permit case")
