"""Pages of applicants, employers' handlers and agents."""

from django.contrib.auth import views as auth
from django.urls import path

from . import applicant, employer_staff, sign_in

urlpatterns = [
    path("accounts/login/", sign_in.sign_in, name="login"),
    path("accounts/login/code/", sign_in.code_step, name="sign-in-code"),
    path("accounts/login/enrol/", sign_in.enrol, name="sign-in-enrol"),
    # Passkeys (JSON for web/static/web/passkeys.js): signing in with one, adding one.
    path(
        "accounts/login/passkey/options/",
        sign_in.passkey_sign_in_options,
        name="sign-in-passkey-options",
    ),
    path("accounts/login/passkey/", sign_in.passkey_sign_in, name="sign-in-passkey"),
    path(
        "accounts/passkeys/new/options/",
        sign_in.passkey_register_options,
        name="passkey-new-options",
    ),
    path("accounts/passkeys/new/", sign_in.passkey_register, name="passkey-new"),
    path("accounts/passkeys/", sign_in.passkey_list, name="passkeys"),
    # Django's LogoutView answers POST only (a GET gets 405), with the CSRF check.
    path("accounts/logout/", auth.LogoutView.as_view(next_page="web:home"), name="logout"),
    path("my/applications/", applicant.my_applications, name="my-applications"),
    path("my/staff/", employer_staff.my_staff, name="my-staff"),
    path("my/staff/renew/", employer_staff.renew, name="my-staff-renew"),
    path("my/applications/new/", applicant.new_application, name="my-application-new"),
    path("my/applications/<uuid:public_id>/", applicant.edit, name="my-application-edit"),
    path(
        "my/applications/<uuid:public_id>/status/", applicant.status, name="my-application-status"
    ),
    path(
        "my/applications/<uuid:public_id>/withdraw/",
        applicant.withdraw,
        name="my-application-withdraw",
    ),
    path(
        "my/applications/<uuid:public_id>/files/<int:upload_id>/",
        applicant.file,
        name="my-application-file",
    ),
]
