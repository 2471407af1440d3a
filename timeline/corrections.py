"""When each event was first published, read from its history.

django-simple-history records every save of an event (registered in translation.py): the
first record of an event in the published state says when readers could first see it. A
feed entry's `published` date comes from here; what was corrected since is the editors'
public record (`public_record.py`), not a comparison of versions, so that the feed, the
event page and /corrections/ tell readers the same corrections (minor ones left out).

The history of any number of events is read in one query (`first_published`).
"""

from django.db.models import Min

from .models import Event


def first_published(events):
    """{pk: datetime} of `events` (rows or primary keys) that have a published version."""
    pks = [getattr(event, "pk", event) for event in events]
    records = (
        Event.history.model.objects.filter(id__in=pks, state=Event.State.PUBLISHED)
        .exclude(history_type="-")  # a deletion's record repeats the last version
        .values("id")
        .annotate(first=Min("history_date"))
        .order_by()
    )
    return {row["id"]: row["first"] for row in records}
