from django.contrib import admin
from django.urls import include, path

from onestop.api import api
from onestop.web.sign_in import admin_sign_in

urlpatterns = [
    # The admin signs in through the site's sign-in, with its second step for staff.
    path("admin/login/", admin_sign_in),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("onestop.web.urls")),
]
