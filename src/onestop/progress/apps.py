from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """The kept answers (models.KeptAnswer) watch, in every process, the models an answer is
    made of (answers.connect)."""

    name = "onestop.progress"

    def ready(self):
        from . import answers  # here: ready() runs once the models it watches are loaded

        answers.connect()
