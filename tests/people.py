"""People for the tests: a user with one role where it holds."""

from django.contrib.auth.models import User

from onestop.accounts.models import Assignment
from onestop.catalog.models import Department, Region


def person(username, role=None, **where):
    user = User.objects.create_user(username, password="a-long-enough-password")
    if role:
        Assignment.objects.create(user=user, role=role, **where)
    return user


def staff(name, role, department=None, region="beijing"):
    """A person holding `role` in a region and, for department roles, in a department."""
    where = {"region": Region.objects.get(code=region)}
    if department:
        where["department"] = Department.objects.get(code=department)
    return person(name, role, **where)
