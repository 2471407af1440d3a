"""Event addresses that last: a cited or shared link keeps working after a curator changes
the event's slug, and says so plainly when the event was withdrawn.

The event's history (django-simple-history) already records every slug it had, so no table
of old slugs is needed: an address that names no published event is looked up there, once,
only on that miss (the pages of current events cost nothing more).
"""

from dataclasses import dataclass
from datetime import datetime

from .models import Event


@dataclass(frozen=True)
class Moved:
    """The event now lives at another address (answered with 301)."""

    url: str


@dataclass(frozen=True)
class Withdrawn:
    """The event was public once and is no more: deleted, or back to draft (answered
    with 410, and when)."""

    when: datetime


def former_address(slug):
    """Moved, Withdrawn or None (never public here: a plain 404, so drafts never leak) for
    a slug that names no published event."""
    records = Event.history.model.objects
    last_with_slug = records.filter(slug=slug).order_by("-history_date", "-history_id").first()
    if last_with_slug is None:
        return None
    states = list(
        records.filter(id=last_with_slug.id)
        .order_by("history_date", "history_id")
        .values_list("state", "history_type", "history_date")
    )
    published = Event.State.PUBLISHED
    public = [i for i, (state, kind, _) in enumerate(states) if state == published and kind != "-"]
    if not public:
        return None
    event = Event.objects.filter(pk=last_with_slug.id).only("slug", "state").first()
    if event is not None and event.state == published:
        return Moved(event.get_absolute_url())
    # Deleted or unpublished: withdrawn by the change that followed its last public version.
    withdrawal = states[min(public[-1] + 1, len(states) - 1)]
    return Withdrawn(withdrawal[2])
