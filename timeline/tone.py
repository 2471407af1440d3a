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


def rolling_tone(days, window_days=TONE_WINDOW_DAYS):
    """[(date, mean tone of the events in the `window_days` up to that date, n)] at each
    event date, oldest first, from the tone summed per day in SQL (selectors.daily_tone:
    [(day, sum of tones, n)]). Cancelled events count: a cancelled visit is a signal too."""
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
    """The last point of rolling_tone(days), without computing the others."""
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
