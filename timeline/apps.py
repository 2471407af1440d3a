from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = _("Diplomatic timeline")

    def ready(self):
        from .caching import connect_signals

        connect_signals()
