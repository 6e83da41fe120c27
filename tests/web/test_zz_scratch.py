import json
import pytest
from onestop.applications.models import Application
from onestop.applications.drafts import materials_of
from onestop.applications.acceptance import blocking_reasons
from onestop.applications import form
from tests.applications.test_one_window_flow import file_two_permits, profile
from tests.applications.conftest import *  # noqa

pytestmark = pytest.mark.django_db

def test_x(handler_x):
    a = Application.objects.get(number=file_two_permits(handler_x)["number"])
    for m in materials_of(a):
        print(json.dumps({k: m.get(k) for k in ("matter","code","name_en","applies","exempt","source","original_or_copy")}, ensure_ascii=False))
    print([s["code"] for s in form.sections_for([c.matter_version.matter.code for c in a.covered.all()])])
    print(a.profile, a.number, a.bundle, a.bundle.__dict__)
    b = Application.objects.get(number=file_two_permits(handler_x, profile={**profile("B"), "has_mainland_household_registration": True})["number"])
    print(blocking_reasons(b))
