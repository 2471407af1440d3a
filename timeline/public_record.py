"""The public record of corrections: when an editor changes what readers were told about a
published event (its date, title, summary, quote, participants or sources), the event's
page says "Corrected on …" with the editor's note, and /corrections/ lists it.

The admin takes a snapshot of those facts before a save and compares it with the event
saved, inlines included (`record_correction`); an import or a revert is not a correction a
reader needs told about, and records none. A minor correction (a typo) is kept but shown
nowhere.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .languages import columns
from .models import Correction, Event

# What a correction can change, in the words the record uses, in this order.
PUBLIC_FACTS = {
    "date": _("date"),
    "title": _("title"),
    "summary": _("summary"),
    "quote": _("quote"),
    "participants": _("participants"),
    "sources": _("sources"),
}

DATE_FIELDS = ["start", "end", "date_precision", "date_certainty", "latest_start", "cancelled"]


def snapshot(event):
    """What readers are told about `event`, as comparable values, or None if they are told
    nothing (it is not published)."""
    if event is None or event.state != Event.State.PUBLISHED:
        return None
    return {
        "date": tuple(getattr(event, name) for name in DATE_FIELDS),
        **{
            field: tuple(getattr(event, column) or "" for column in columns(field))
            for field in ("title", "summary", "quote")
        },
        "participants": frozenset(
            event.participations.values_list("person_id", "organization_id", "role")
        ),
        "sources": frozenset(event.sources.values_list("url", "title", "publisher", "published")),
    }


def snapshot_of(pk):
    return snapshot(Event.objects.filter(pk=pk).first()) if pk else None


def changed_facts(before, after):
    """The names of the facts that differ between two snapshots, in PUBLIC_FACTS order."""
    if before is None or after is None:
        return []
    return [name for name in PUBLIC_FACTS if before[name] != after[name]]


def in_words(names):
    """ "date, title" in the page's language, from the names a Correction stores."""
    return ", ".join(str(PUBLIC_FACTS[name]) for name in names.split(",") if name in PUBLIC_FACTS)


def record_correction(event, before, *, note="", minor=False, suggestion=None):
    """The Correction of a save that changed a published event's public facts, or None."""
    changed = changed_facts(before, snapshot(event))
    if not changed:
        return None
    return Correction.objects.create(
        event=event,
        corrected_at=timezone.now(),
        fields=",".join(changed),
        note=note,
        minor=minor,
        suggestion=suggestion,
    )


def public_corrections():
    """The corrections readers see: not minor, of events still published, newest first."""
    return (
        Correction.objects.filter(minor=False, event__state=Event.State.PUBLISHED)
        .select_related("event")
        .order_by("-corrected_at", "-pk")
    )
