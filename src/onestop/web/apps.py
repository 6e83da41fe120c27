from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "onestop.web"
    verbose_name = "Pages"

    def ready(self):
        # Imported once the apps are loaded, as Django asks of ready().
        from .upload_handlers import allow_long_file_names

        allow_long_file_names()
