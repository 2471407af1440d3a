"""The relations temperature: a rolling mean of the events' tone (−10 conflict … +10
co-operation), drawn under the lanes and quoted in the chart's description."""

from datetime import timedelta

from django.utils.formats import number_format

TONE_WINDOW_DAYS = 182
# The line keeps at most this many points: a screen has fewer pixels.
TONE_POINTS_MAX = 1500


def written(tone, digits=0):
    """A tone as readers write it, in the active language: "+3", "−4,8" in French, with
    the minus sign of the scale's "−10" rather than a hyphen, "0" unsigned."""
    if not tone:
        return number_format(0, digits)
    return ("+" if tone > 0 else "−") + number_format(abs(tone), digits)


def tone_by_day(events):
    """[(day, sum of tones, n)] of events, oldest first: what rolling_tone reads (the
    selectors compute the same in SQL when there are many events)."""
    days = {}
    for event in events:
        total, n = days.get(event.start, (0, 0))
        days[event.start] = (total + event.tone, n + 1)
    return [(day, total, n) for day, (total, n) in sorted(days.items())]


def rolling_tone(events, window_days=TONE_WINDOW_DAYS, *, days=None):
    """[(date, mean tone of the events in the `window_days` up to that date, n)] at each
    event date, oldest first. Cancelled events count: a cancelled visit is a signal too.
    `days`: the events' tone_by_day, when already summed."""
    days = tone_by_day(events) if days is None else days
    points = []
    lo, total, n = 0, 0, 0
    for day, day_total, day_n in days:
        total, n = total + day_total, n + day_n
        while days[lo][0] <= day - timedelta(days=window_days):
            total, n = total - days[lo][1], n - days[lo][2]
            lo += 1
        points.append((day, round(total / n, 1), n))
    return points


def latest_tone(days, window_days=TONE_WINDOW_DAYS):
    """The last point of rolling_tone(days=days), without computing the others."""
    if not days:
        return None
    total = n = 0
    for day, day_total, day_n in reversed(days):
        if day <= days[-1][0] - timedelta(days=window_days):
            break
        total, n = total + day_total, n + day_n
    return round(total / n, 1)


def thinned(points, limit=TONE_POINTS_MAX):
    """At most `limit` of the points, evenly in time, keeping the first and last."""
    if len(points) <= limit:
        return points
    step = len(points) / limit
    kept = [points[int(i * step)] for i in range(limit)]
    return kept[:-1] + [points[-1]]
