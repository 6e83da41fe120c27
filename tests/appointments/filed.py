"""Applications to book for: a booking belongs to a filed application of the booker's (000 §十一
4), so the booking tests file one first, through the API as an applicant would."""

from onestop.applications.models import Application

from ..applications.test_one_window_flow import FORM, as_, post, profile

# The residence permit's own part of the form (the permanent residence form has none of it).
RESIDENCE_FIELDS = (
    "residence_purpose",
    "residence_valid_until",
    "employer_name",
    "employer_credit_code",
    "position",
)


def filed(person, matter="residence_permit.issue", *, submit=True) -> Application:
    """A Beijing application of one matter filed by `person` (kept a draft unless `submit`)."""
    form = FORM
    if not matter.startswith("residence_permit."):
        form = {k: v for k, v in FORM.items() if k not in RESIDENCE_FIELDS}
    body = {"region": "beijing", "matter": matter, "profile": profile("B"), "form": form}
    response = post(as_(person), "/api/v1/applications", {**body, "submit": submit})
    assert response.status_code == 201, response.json()
    return Application.objects.get(public_id=response.json()["public_id"])
