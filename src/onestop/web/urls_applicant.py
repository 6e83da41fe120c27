"""Pages of applicants, employers' handlers and agents."""

from django.contrib.auth import views as auth
from django.urls import path

from . import applicant

urlpatterns = [
    path(
        "accounts/login/",
        auth.LoginView.as_view(
            template_name="web/applicant/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth.LogoutView.as_view(next_page="web:home"), name="logout"),
    path("my/applications/", applicant.my_applications, name="my-applications"),
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
