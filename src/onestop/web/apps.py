from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "onestop.web"
    verbose_name = "Pages"
