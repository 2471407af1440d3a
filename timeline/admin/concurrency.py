"""Optimistic concurrency on the admin's change forms: a save never silently overwrites
someone else's.

The change form carries, in a hidden field, the version of the object the curator started
from. The version is read from django-simple-history, which every curated model has: the
latest historical record id of the object and, for each inline on the screen (an event's
sources and participants, a person's terms), the latest historical record id among the rows
that point to it — a source added, changed or deleted by someone else moves it too. Models
with an `updated_at` column add it, so a write that bypassed history is caught as well.

On save, inside the admin's transaction and with the object's row locked (PostgreSQL; on
SQLite the IMMEDIATE transaction already holds the write lock), the version is read again:
if it moved, the form is refused with who saved and when, and nothing is written.
"""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

VERSION_FIELD = "concurrency_version"


def history_model(model):
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


def latest_record(model, **lookup):
    """The newest historical record of `model` matching `lookup`, or None."""
    history = history_model(model)
    if history is None:
        return None
    return history.objects.filter(**lookup).order_by("-history_id").first()


class Version:
    """What a change form's object looks like now, as a short comparable token."""

    def __init__(self, instance, inlines):
        self.instance = instance
        self.inlines = inlines  # [(model, fk_name)]

    def parts(self):
        model = type(self.instance)
        pk = self.instance.pk
        history = history_model(model)
        parts = []
        if history is not None:
            latest = (
                history.objects.filter(id=pk)
                .order_by("-history_id")
                .values_list("history_id", flat=True)
            )
            parts.append(f"{model._meta.model_name}:{latest.first() or 0}")
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            updated = model._default_manager.filter(pk=pk).values_list("updated_at", flat=True)
            stamp = updated.first()
            parts.append(f"updated:{stamp.isoformat() if stamp else '-'}")
        for inline_model, fk_name in self.inlines:
            inline_history = history_model(inline_model)
            if inline_history is None:
                continue
            latest = (
                inline_history.objects.filter(**{f"{fk_name}_id": pk})
                .order_by("-history_id")
                .values_list("history_id", flat=True)
            )
            parts.append(f"{inline_model._meta.model_name}:{latest.first() or 0}")
        return parts

    def token(self):
        return ";".join(self.parts())

    def last_change(self):
        """(when, who) of the newest recorded change to the object or its inline rows."""
        model = type(self.instance)
        candidates = [latest_record(model, id=self.instance.pk)]
        candidates += [
            latest_record(inline_model, **{f"{fk_name}_id": self.instance.pk})
            for inline_model, fk_name in self.inlines
        ]
        candidates = [c for c in candidates if c is not None]
        if not candidates:
            return getattr(self.instance, "updated_at", None), None
        newest = max(candidates, key=lambda record: record.history_date)
        return newest.history_date, newest.history_user


def conflict_message(instance, inlines):
    when, who = Version(instance, inlines).last_change()
    name = type(instance)._meta.verbose_name
    if when is not None:
        local = timezone.localtime(when)
        at = date_format(local, "H:i")
        if local.date() != timezone.localdate():
            at = pgettext("a time on a day", "%(time)s on %(day)s") % {
                "time": at,
                "day": date_format(local, "j M Y"),
            }
        at = f"{at} {timezone.get_current_timezone_name()}"
    else:
        at = _("a moment ago")
    by = who.get_username() if who is not None else _("user unknown")
    return _(
        "Someone else saved this %(name)s at %(at)s (%(by)s) after you opened it. "
        "Your changes were not saved: open the %(name)s again to see theirs, then make "
        "yours again."
    ) % {"name": name, "at": at, "by": by}


class VersionedFormMixin:
    """A change form that refuses to save over a version other than the one it showed."""

    concurrency_inlines = ()  # [(model, fk_name)], set by ConcurrencyAdminMixin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not required: the admin's pages always send it, but a hand-made POST (a script,
        # an older test) without it is saved as before, unchecked.
        self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk is not None:
            self.initial[VERSION_FIELD] = self.current_version()

    def current_version(self):
        return Version(self.instance, self.concurrency_inlines).token()

    def clean(self):
        cleaned = super().clean()
        started_from = cleaned.get(VERSION_FIELD)
        if self.instance.pk is None or not started_from:
            return cleaned
        model = type(self.instance)
        # Hold the row until the admin's transaction ends, so two saves cannot both pass.
        using = router.db_for_write(model)
        if not transaction.get_autocommit(using):
            rows = model._default_manager.using(using).select_for_update()
            list(rows.filter(pk=self.instance.pk).values_list("pk"))
        if self.current_version() != started_from:
            raise ValidationError(
                conflict_message(self.instance, self.concurrency_inlines), code="edit_conflict"
            )
        return cleaned


def versioned_form(form_class, inlines):
    """`form_class` with the version field and check (the class's own behaviour kept)."""
    return type(
        form_class.__name__,
        (VersionedFormMixin, form_class),
        {"concurrency_inlines": tuple(inlines), "__module__": form_class.__module__},
    )


def inline_foreign_key(parent_model, inline):
    if inline.fk_name:
        return inline.fk_name
    for field in inline.model._meta.concrete_fields:
        if field.is_relation and field.many_to_one and field.related_model is parent_model:
            return field.name
    return None


class ConcurrencyAdminMixin:
    """For a ModelAdmin: the change form carries its version and refuses stale saves.

    Put it before SimpleHistoryAdmin/ModelAdmin in the bases. The version travels in a
    hidden field, in a hidden fieldset appended to the screen's fieldsets.
    """

    def concurrency_inlines(self, request, obj):
        inlines = []
        for inline in self.get_inline_instances(request, obj):
            fk_name = inline_foreign_key(self.model, inline)
            if fk_name:
                inlines.append((inline.model, fk_name))
        return inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None or obj.pk is None:
            return super().get_form(request, obj, change=change, **kwargs)
        # The version field is the form's own (added per instance), not the model's.
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [name for name in kwargs["fields"] if name != VERSION_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        return versioned_form(form, self.concurrency_inlines(request, obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.pk is None:
            return fieldsets
        return [
            *fieldsets,
            (None, {"fields": [VERSION_FIELD], "classes": ["hidden", "concurrency-version"]}),
        ]
