"""The system administrator's page of service accounts and API keys (web/keys.py)."""

from django.urls import path

from . import keys

urlpatterns = [
    path("staff/keys/", keys.keys_page, name="keys"),
    path("staff/keys/accounts/", keys.create, name="keys-create"),
    path("staff/keys/accounts/<int:account>/keys/", keys.issue, name="keys-issue"),
    path("staff/keys/<int:key>/revoke/", keys.revoke, name="keys-revoke"),
]
