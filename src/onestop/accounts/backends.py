"""Django's ModelBackend with two changes.

- `get_user`, which Django calls once per signed-in request, loads with the user — in the same
  statement — what accounts/sessions.py checks on every request: the security stamp's
  generation, whether a staff role is held, and the administrator role. A signed-in request so
  costs no query beyond the one Django makes anyway (a join on the stamp's primary key and two
  EXISTS / LIMIT 1 subqueries on the assignments' (user, role) index).
- A person holding one of the three administrator roles has the permissions of that role only
  (accounts/administrators.py), never those of groups or of permissions given one by one: a
  security administrator cannot give themselves the catalog or the audit log by editing their
  own groups (GB/T 22239-2019 8.1.4.2 d).
- A service account's user (accounts/api_keys.py) never signs in, whatever password someone
  may have given it: a system calls the API with its key.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import administrators
from .access import access_of, with_access
from .models import ServiceAccount


class AccountBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and ServiceAccount.objects.filter(user=user).exists():
            return None
        return user

    def get_user(self, user_id):
        user = with_access(get_user_model()._default_manager).filter(pk=user_id).first()
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None):
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        role = access_of(user_obj).administrator_role
        if role:
            return set(administrators.permissions_of(role))
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None):
        if (
            user_obj.is_active
            and not user_obj.is_anonymous
            and access_of(user_obj).administrator_role
        ):
            return set()
        return super().get_group_permissions(user_obj, obj)
