"""Pages of the good-bad review: rating a finished case, the follow-ups of bad ratings."""

from django.urls import path

from . import satisfaction

urlpatterns = [
    path(
        "my/applications/<uuid:public_id>/cases/<int:case_id>/rating/",
        satisfaction.rate,
        name="my-case-rating",
    ),
    path("staff/follow-ups/", satisfaction.follow_up_list, name="follow-ups"),
    path("staff/follow-ups/<int:pk>/", satisfaction.follow_up, name="follow-up"),
]
