from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Diplomatic timeline"

    def ready(self):
        from .caching import connect_signals

        connect_signals()
