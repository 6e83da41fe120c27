"""Pages of applicants, employers' handlers and agents."""

urlpatterns = []
