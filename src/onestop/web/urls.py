from django.urls import path

from . import staff, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<slug:region>/", views.region_matters, name="region"),
    path("regions/<slug:region>/halls/", views.region_halls, name="halls"),
    path("regions/<slug:region>/matters/<str:matter>/", views.matter_guide, name="guide"),
    path("staff/calendar/", staff.calendar_month, name="staff-calendar"),
]
