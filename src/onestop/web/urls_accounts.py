"""Pages of a person's own account and of employers."""

from django.urls import path

from . import employers, registration

urlpatterns = [
    path("accounts/register/", registration.register, name="register"),
    path("accounts/register/verify/<str:token>/", registration.verify, name="register-verify"),
    path("accounts/password/reset/", registration.password_reset, name="password-reset"),
    path(
        "accounts/password/reset/sent/",
        registration.password_reset_done,
        name="password-reset-done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        registration.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "accounts/password/reset/done/",
        registration.password_reset_complete,
        name="password-reset-complete",
    ),
    path("my/employers/", employers.my_employers, name="my-employers"),
    path("my/employers/new/", employers.register, name="my-employer-new"),
    path("my/employers/<int:employer_id>/", employers.employer, name="my-employer"),
    path("staff/employers/", employers.unverified, name="staff-employers"),
    path(
        "staff/employers/<int:employer_id>/verify/", employers.verify, name="staff-employer-verify"
    ),
]
