from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """No models: an app so that the kept answers watch, in every process, the models an answer
    is made of (answers.connect)."""

    name = "onestop.progress"

    def ready(self):
        from . import answers  # here: ready() runs once the models it watches are loaded

        answers.connect()
