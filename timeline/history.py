"""Bring a deleted event back, with everything that was deleted with it.

django-simple-history keeps a last historical record (history_type "-") for every deleted
row, but its admin offers no way back once the row is gone. Deleting an event cascades to
its sources and participations (each gets its own "-" record) and silently empties its
many-to-many rows (countries, disputes, tags), which simple-history snapshots with every
earlier record of the event.

Which source and participation records belong to one deletion? While an event is being
deleted, the "-" records of its cascaded sources and participations are stamped with a
change reason naming the event (see `mark_cascaded_deletions`); a source a curator removed
by hand earlier has no such reason and is not brought back.

`restore_deleted_event(history_id, user)` is the whole operation, in one transaction, and
every row it writes is recorded in history as done by `user`.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from . import roles
from .models import (
    Country,
    Dispute,
    Event,
    Organization,
    Participation,
    Person,
    Place,
    Source,
    Tag,
    unique_slug,
)

RESTORED_REASON = "Restored after deletion"
M2M_TARGETS = {"countries": Country, "about": Country, "disputes": Dispute, "tags": Tag}

# Primary keys of the events whose deletion is under way in this thread/task.
_events_being_deleted = ContextVar("events_being_deleted", default=frozenset())


def cascade_reason(event_id):
    """The change reason stamped on a source/participation deleted with event `event_id`."""
    return f"Deleted with event #{event_id}"


@receiver(pre_delete, sender=Event, dispatch_uid="history-event-pre-delete")
def _event_deletion_starts(sender, instance, **kwargs):
    _events_being_deleted.set(_events_being_deleted.get() | {instance.pk})


@receiver(post_delete, sender=Event, dispatch_uid="history-event-post-delete")
def _event_deletion_ends(sender, instance, **kwargs):
    _events_being_deleted.set(_events_being_deleted.get() - {instance.pk})


@receiver(pre_create_historical_record, dispatch_uid="history-mark-cascaded-deletions")
def mark_cascaded_deletions(sender, instance, history_instance, **kwargs):
    if history_instance.history_type != "-" or not isinstance(instance, (Source, Participation)):
        return
    if instance.event_id in _events_being_deleted.get():
        history_instance.history_change_reason = cascade_reason(instance.event_id)


class RestoreError(Exception):
    """The deleted event cannot be restored; the message says why."""


@dataclass
class RestoreResult:
    event: Event
    sources: int = 0
    participations: int = 0
    notes: list = field(default_factory=list)

    def __str__(self):
        text = _(
            "“%(event)s” was restored with %(sources)d source(s) and %(participations)d participant(s)."
        ) % {
            "event": self.event.title,
            "sources": self.sources,
            "participations": self.participations,
        }
        return " ".join([text, *self.notes])


def deleted_events():
    """The last "-" record of every event that is deleted now (not since restored), newest first."""
    HistoricalEvent = Event.history.model
    latest_deletion = (
        HistoricalEvent.objects.filter(id=OuterRef("id"), history_type="-")
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        HistoricalEvent.objects.filter(history_type="-", history_id=Subquery(latest_deletion))
        .exclude(id__in=Event.objects.values("pk"))
        .select_related("history_user")
        .order_by("-history_date")
    )


def _cascaded(history_model, event_id, since, until):
    """Latest "-" record of each row deleted with the event between `since` and `until`."""
    records = history_model.objects.filter(
        event_id=event_id,
        history_type="-",
        history_change_reason=cascade_reason(event_id),
        history_date__lte=until,
    )
    if since is not None:
        records = records.filter(history_date__gt=since)
    latest = records.values("id").annotate(last=Max("history_id")).values("last")
    return history_model.objects.filter(history_id__in=latest).order_by("id")


def _m2m_snapshot(record, field_name):
    """The ids of the related rows that simple-history stored with `record`."""
    target = M2M_TARGETS[field_name]
    column = f"{target._meta.model_name}_id"
    return list(getattr(record, field_name).values_list(column, flat=True))


def restore_deleted_event(history_id, user):
    """Recreate the event deleted in historical record `history_id`, with its sources,
    participations, countries, disputes and tags. Returns a RestoreResult."""
    with transaction.atomic():
        deletion = _deletion_record(history_id)
        # The state just before the deletion: its m2m snapshot is still complete (the "-"
        # record's is empty, as the rows were gone when it was written).
        before = (
            Event.history.filter(id=deletion.id, history_date__lte=deletion.history_date)
            .exclude(history_id=deletion.history_id)
            .order_by("-history_date", "-history_id")
            .first()
        )
        since = before and before.history_date
        sources = _cascaded(Source.history.model, deletion.id, since, deletion.history_date)
        participations = _cascaded(
            Participation.history.model, deletion.id, since, deletion.history_date
        )
        result = RestoreResult(event=deletion.instance)
        _fit_event_to_today(result, user, has_sources=bool(sources))
        _insert_event(result, before, user)
        _insert_sources(result, sources, user)
        _insert_participations(result, participations, user)
    return result


def _deletion_record(history_id):
    """The "-" record `history_id`, locked, or RestoreError if there is nothing to restore."""
    try:
        deletion = Event.history.model.objects.select_for_update().get(
            history_id=history_id, history_type="-"
        )
    except Event.history.model.DoesNotExist:
        raise RestoreError(_("There is no deleted event with this history number.")) from None
    if Event.objects.filter(pk=deletion.id).exists():
        raise RestoreError(_("This event is not deleted: it was restored already."))
    return deletion


def _fit_event_to_today(result, user, *, has_sources):
    """What changed while the event was gone: its slug taken, its place deleted, a user who
    may not publish, no source left. Each adjustment is said in the result's notes."""
    event = result.event
    if Event.objects.filter(slug=event.slug).exists():
        old_slug = event.slug
        event.slug = unique_slug(Event, event.slug, max_length=100)
        result.notes.append(
            _("Its old address “%(old)s” is used by another event now; it is “%(new)s”.")
            % {"old": old_slug, "new": event.slug}
        )
    if event.place_id and not Place.objects.filter(pk=event.place_id).exists():
        event.place = None
        result.notes.append(_("Its place no longer exists; choose a place again."))
    if event.state == Event.State.PUBLISHED and not roles.can_publish(user):
        event.state = Event.State.DRAFT
        result.notes.append(_("It comes back as a draft: publishing needs an editor."))
    elif event.state == Event.State.PUBLISHED and not has_sources:
        event.state = Event.State.DRAFT
        result.notes.append(_("It comes back as a draft: it has no source."))


def _insert_event(result, before, user):
    """Write the event and its m2m rows without history, then one "+" record holding the
    whole restored state, by the restoring user."""
    event = result.event
    created_at = event.created_at
    event.skip_history_when_saving = True
    event.save(force_insert=True)
    # auto_now_add stamped it afresh; it was created when it was first created.
    Event.objects.filter(pk=event.pk).update(created_at=created_at)
    event.created_at = created_at
    for name, target in M2M_TARGETS.items():
        ids = _m2m_snapshot(before, name) if before else []
        existing = list(target.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if len(existing) < len(set(ids)):
            result.notes.append(
                _("Some of its %(what)s no longer exist and were left out.")
                % {"what": Event._meta.get_field(name).verbose_name}
            )
        getattr(event, name).set(existing)
    del event.skip_history_when_saving
    event._change_reason = RESTORED_REASON
    (record,) = Event.history.bulk_history_create([event], default_user=user)
    if record.pk is None:  # a backend that does not return ids from bulk_create
        record = Event.history.filter(id=event.pk, history_type="+").latest("history_date")
    for name in M2M_TARGETS:
        # Snapshot the through rows as simple-history does (it copies every column).
        m2m_history = HistoricalRecords.m2m_models[Event._meta.get_field(name)]
        through = getattr(Event, name).through
        columns = [f.attname for f in through._meta.concrete_fields]
        m2m_history.objects.bulk_create(
            m2m_history(history=record, **row)
            for row in through.objects.filter(event_id=event.pk).values(*columns)
        )


def _insert_sources(result, sources, user):
    for deleted in sources:
        source = deleted.instance
        source._history_user = user
        source._change_reason = RESTORED_REASON
        source.save(force_insert=True)
        result.sources += 1


def _insert_participations(result, participations, user):
    """Participations come back unless their person or organisation was deleted since."""
    for deleted in participations:
        participation = deleted.instance
        gone = (
            participation.person_id
            and not Person.objects.filter(pk=participation.person_id).exists()
        ) or (
            participation.organization_id
            and not Organization.objects.filter(pk=participation.organization_id).exists()
        )
        if gone:
            result.notes.append(_("A participant no longer exists and was left out."))
            continue
        participation._history_user = user
        participation._change_reason = RESTORED_REASON
        participation.save(force_insert=True)
        result.participations += 1


# --- Reverting an event with its sources and participants ---------------------------------
# simple-history's revert puts back the event's own fields and its many-to-many rows; its
# sources and participations are rows of their own, each with its own history.

INLINE_MODELS = (Source, Participation)


def reverted_reason(record):
    return f"Reverted to the version of {record.history_date:%Y-%m-%d %H:%M}"


def inline_rows_of_version(record):
    """{model: {pk: field values}} of the event's sources and participations as they stood
    in the version `record`: after the save that made it (the inline rows are saved just
    after the event) and before the event's next save."""
    later = (
        Event.history.filter(id=record.id, history_date__gt=record.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    versions = {}
    for model in INLINE_MODELS:
        records = model.history.filter(event_id=record.id)
        if later is not None:
            records = records.filter(history_date__lt=later)
        latest = {}
        for row in records.order_by("history_date", "history_id"):
            latest[row.id] = row
        names = [f.attname for f in model._meta.concrete_fields]
        versions[model] = {
            pk: {name: getattr(row, name) for name in names}
            for pk, row in latest.items()
            if row.history_type != "-"
        }
    return versions


def revert_inline_rows(record, user):
    """Put the event's sources and participations back as they were in the version
    `record`; returns how many rows changed. Every row written is recorded in history as
    done by `user`, with the revert as its reason."""
    changed = 0
    for model, then in inline_rows_of_version(record).items():
        for row in model.objects.filter(event_id=record.id).exclude(pk__in=then):
            row._history_user, row._change_reason = user, reverted_reason(record)
            row.delete()
            changed += 1
        for pk, values in then.items():
            if model.objects.filter(pk=pk).values(*values).first() == values:
                continue
            row = model(**values)
            row._history_user, row._change_reason = user, reverted_reason(record)
            row.save()
            changed += 1
    return changed
