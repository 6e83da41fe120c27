"""People for the tests: a user with one role where it holds."""

from django.contrib.auth.models import User

from onestop.accounts.models import Assignment


def person(username, role=None, **where):
    user = User.objects.create_user(username, password="a-long-enough-password")
    if role:
        Assignment.objects.create(user=user, role=role, **where)
    return user
