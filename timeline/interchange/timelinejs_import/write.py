"""Step 4, writing: a plan without errors → the database, in one transaction, in bulk,
with one history record per created or changed event (with its countries, disputes and
tags) and per source, as simple-history would have written them one by one."""

from django.db import connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ... import planner, search
from ...caching import data_changed
from ...languages import in_original_language
from ...models import Event, Source, Tag
from .plan import prepare_import
from .records import BATCH_SIZE, PROGRESS_EVERY, ImportFailed, ImportReport, TagIndex, chunks


@in_original_language
def write_import(plan, *, user=None, reason="Imported from TimelineJS", progress=None):
    """Write a plan without errors, in one transaction; history is recorded for each change."""
    if plan.errors:
        raise ImportFailed(plan.errors)
    touched = [p for p in plan.events if p.action != "unchanged"]
    with transaction.atomic():
        tags = create_tags(touched)
        new, updated = save_events(touched)
        if progress and len(touched) >= PROGRESS_EVERY:
            progress(
                f"{len(new)} events created, {len(updated)} updated; adding tags, countries, sources"
            )
        link_countries_and_tags(touched, tags)
        save_sources(touched, user=user, reason=reason)
        record_history(new, updated, user=user, reason=reason)
        data_changed()  # bulk writes send no signals
        planner.analyze_events()
    return ImportReport(
        name=plan.name,
        created=len(new),
        updated=len(updated),
        unchanged=plan.unchanged,
        skipped=plan.skipped,
        warnings=plan.warnings,
    )


def create_tags(touched):
    """The tags the events need that do not exist yet, saved one by one (few, each with its
    history); returns the index that finds every tag by name."""
    tags = TagIndex()
    for planned in touched:
        for name in planned.new_tag_names:
            if tags.find(name) is None:
                tag = Tag(name=name, slug=tags.free_slug(name))
                tag.full_clean()
                tag.save()
                tags.add(tag)
    return tags


def save_events(touched):
    """bulk_create the new events and bulk_update the changed fields of the others."""
    now = timezone.now()
    search.refresh([p.event for p in touched])  # what save() would do
    new = [p.event for p in touched if p.action == "create"]
    for batch in chunks(new):
        Event.objects.bulk_create(batch)
    updated = [p.event for p in touched if p.action == "update"]
    update_fields = sorted({f for p in touched if p.action == "update" for f in p.changed_fields})
    for event in updated:
        event.updated_at = now
    for batch in chunks(updated):
        Event.objects.bulk_update(batch, [*update_fields, "search_text", "updated_at"])
    return new, updated


def link_countries_and_tags(touched, tags):
    insert_rows(
        Event.countries.through,
        ["event_id", "country_id"],
        [(p.event.pk, country_id) for p in touched for country_id in p.new_country_ids],
    )
    insert_rows(
        Event.tags.through,
        ["event_id", "tag_id"],
        [
            (p.event.pk, tag_id)
            for p in touched
            for tag_id in dict.fromkeys(tags.find(name).pk for name in p.new_tag_names)
        ],
    )


def save_sources(touched, *, user, reason):
    new_sources = []
    for p in touched:
        for source in p.new_sources:
            source.event = p.event
            new_sources.append(source)
    bulk_create_with_history(
        new_sources, Source, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason
    )
    changed_sources = [s for p in touched for s in p.changed_sources]
    if changed_sources:
        bulk_update_with_history(
            changed_sources,
            Source,
            ["publisher", "title"],
            batch_size=BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
        )


def record_history(created, updated, *, user, reason):
    """One historical record per saved event, with its countries, disputes and tags.

    The events were written in bulk (no post_save signal), so the records are made here as
    simple-history would: the row's fields plus a snapshot of each many-to-many field.
    """
    history = Event.history
    records = [
        *history.bulk_history_create(
            created, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason
        ),
        *history.bulk_history_create(
            updated,
            batch_size=BATCH_SIZE,
            update=True,
            default_user=user,
            default_change_reason=reason,
        ),
    ]
    historical = history.model
    history_of = {record.id: record.pk for record in records}
    for m2m_field in historical._history_m2m_fields:
        through = getattr(Event, m2m_field.name).through
        columns = [f.attname for f in through._meta.fields]
        # simple-history's snapshot model for this field (a copy of the through row + history),
        # by the field: `countries` and `about` have through rows of the same columns.
        snapshot_model = HistoricalRecords.m2m_models[m2m_field]
        rows = []
        for batch in chunks(history_of):
            for values in through.objects.filter(event_id__in=batch).values_list(*columns):
                rows.append((history_of[values[columns.index("event_id")]], *values))
        insert_rows(snapshot_model, ["history_id", *columns], rows)


def insert_rows(model, columns, rows):
    """Plain INSERTs for rows of integers (link tables): no model instance per row.

    Only for tables without signals of their own: the many-to-many links (whose history
    record_history() writes) and simple-history's snapshots of them.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(column).column) for column in columns)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for batch in chunks(rows, 2000):
            cursor.executemany(sql, batch)


def import_timelinejs(data, *, pair=None, publish=False, dry_run=False, user=None, progress=None):
    """Prepare and (unless dry_run) write an import. Raises ImportFailed listing every error."""
    plan = prepare_import(data, pair=pair, publish=publish, progress=progress)
    if plan.errors:
        raise ImportFailed(plan.errors)
    if dry_run:
        return plan
    return write_import(plan, user=user, progress=progress)
