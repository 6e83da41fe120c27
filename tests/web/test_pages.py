"""Public pages in English and Chinese."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_lists_each_regions_matters_in_english(english):
    page = english.get("/").content.decode()
    for text in (
        "Beijing",
        "Qingdao",
        "Guangxi",
        "Stay permit: issue",
        'href="/regions/qingdao/matters/social_insurance.register/"',
    ):
        assert text in page
    assert '<html lang="en">' in page


def test_home_lists_each_regions_matters_in_chinese(chinese):
    page = chinese.get("/").content.decode()
    for text in ("北京市", "青岛市", "广西壮族自治区", "外国人停留证件签发", "一表申请、一窗受理"):
        assert text in page
    assert '<html lang="zh-Hans">' in page


def test_the_language_switch_is_remembered(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/regions/beijing/"})
    assert response.status_code == 302 and response["Location"] == "/regions/beijing/"
    assert response.cookies["onestop_language"].value == "zh-hans"
    assert "服务大厅及办公时间" in client.get("/regions/beijing/").content.decode()


def test_beijing_residence_permit_guide_in_english(english):
    page = english.get("/regions/beijing/matters/residence_permit.issue/").content.decode()
    for text in (
        "Your valid passport or other international travel document",
        "Aged 18 to 70 and asking for a permit valid for one year or more",
        "Ordinary workers",
        "People working in cultural or sports activities",
        "5 working days",
        "7 working days",
        "Statutory time limit: not given in the sources",
        "Mon–Sat 09:00–17:00",
        "Mon–Fri 09:00–12:00, 13:30–17:00",
        "Sat 09:00–13:00",
        "000 §六",
    ):
        assert text in page, text
    assert page.count("(010) 12367</a>") == 21


def test_beijing_residence_permit_guide_in_chinese(chinese):
    page = chinese.get("/regions/beijing/matters/residence_permit.issue/").content.decode()
    for text in (
        "本市有效住宿登记",
        "18至70周岁申请有效期1年以上的居留证件",
        "普通工作者",
        "文体活动工作人员",
        "5个工作日",
        "7个工作日",
        "周一–周六 09:00–17:00",
        "依据文件未载明",
    ):
        assert text in page, text


def test_halls_page_lists_every_hall(english):
    page = english.get("/regions/beijing/halls/").content.decode()
    assert "21 halls and windows" in page
    assert "Zhongguancun" in page


def test_stay_permit_guide_shows_fee_steps_and_blank_fields(english):
    page = english.get("/regions/guangxi/matters/stay_permit.issue/").content.decode()
    for text in (
        "160 / person",
        "not counted in the promised limit",
        "Left blank in the source",
        "Known errors in the source documents",
    ):
        assert text in page, text


def test_permanent_residence_guide_shows_the_routes(chinese):
    page = chinese.get("/regions/beijing/matters/permanent_residence.apply/").content.decode()
    assert "申请条件类别" in page and "1500" in page


@pytest.mark.parametrize(
    "url",
    [
        "/regions/atlantis/",
        "/regions/beijing/matters/stay_permit.issue/",
        "/regions/beijing/matters/nothing/",
        "/regions/nowhere/halls/",
    ],
)
def test_unknown_pages_are_404(client, url):
    assert client.get(url).status_code == 404


def test_region_page_shows_the_bundle_promises(english):
    qingdao = english.get("/regions/qingdao/").content.decode()
    assert "Routed to every department within 2 working days of acceptance" in qingdao
    beijing = english.get("/regions/beijing/").content.decode()
    assert "Online pre-examination: 1 working day" in beijing
    assert "Online pre-examination: 3 working days" in beijing
    assert "Qingdao" not in beijing


def test_guides_show_who_may_apply_appointment_and_validity(english):
    stay = english.get("/regions/guangxi/matters/stay_permit.issue/").content.decode()
    assert "Who may apply" in stay and "At most 15 days" in stay
    assert "No appointment required" in stay
    pr = english.get("/regions/beijing/matters/permanent_residence.apply/").content.decode()
    assert "At least 70 points on the Zhongguancun foreign talent points scale" in pr
