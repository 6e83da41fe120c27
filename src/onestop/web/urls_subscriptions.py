"""The system administrator's page of event subscriptions (web/subscriptions.py)."""

from django.urls import path

from . import subscriptions

urlpatterns = [
    path("staff/subscriptions/", subscriptions.subscriptions_page, name="subscriptions"),
    path(
        "staff/subscriptions/<int:subscription_id>/switch-on/",
        subscriptions.switch_on,
        name="subscriptions-switch-on",
    ),
    path(
        "staff/subscriptions/<int:subscription_id>/private-address/",
        subscriptions.private_address,
        name="subscriptions-private-address",
    ),
]
