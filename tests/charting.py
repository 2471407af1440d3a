"""The chart's builder as timeline/figures.py calls it, for tests that hand it events."""

from timeline import charts, selectors
from timeline.models import Event


def build_figure(events, *args, **kwargs):
    """charts.build_figure, with the tone of the same events summed per day in SQL (as the
    overview does for a filter)."""
    tone_days = selectors.daily_tone(Event.objects.filter(pk__in=[e.pk for e in events]))
    return charts.build_figure(events, *args, tone_days=tone_days, **kwargs)
