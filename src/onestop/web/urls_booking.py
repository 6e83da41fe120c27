"""Applicants' appointments at a hall."""

from django.urls import path

from . import booking

urlpatterns = [
    path("my/appointments/", booking.my_bookings, name="my-appointments"),
    path("my/appointments/new/", booking.new_booking, name="my-appointment-new"),
    path("my/appointments/<str:code>/", booking.slip, name="my-appointment"),
    path("my/appointments/<str:code>/cancel/", booking.cancel, name="my-appointment-cancel"),
    path(
        "my/appointments/<str:code>/reschedule/",
        booking.reschedule,
        name="my-appointment-reschedule",
    ),
]
