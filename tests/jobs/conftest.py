import pytest

from onestop.jobs import schedule

from .schedules import write


@pytest.fixture
def tick_schedule(settings, tmp_path):
    """The schedule of the tick job (tick_tasks.py, every minute, 2 retries) and the drain."""
    settings.ONESTOP_JOB_SCHEDULE = str(write(tmp_path, retries=2, drain=True))
    schedule.jobs.cache_clear()
    yield
    schedule.jobs.cache_clear()


@pytest.fixture
def packaged_schedule(settings):
    settings.ONESTOP_JOB_SCHEDULE = ""
    schedule.jobs.cache_clear()
    yield
    schedule.jobs.cache_clear()
