"""Pages of pre-examiners and window clerks."""

urlpatterns = []
