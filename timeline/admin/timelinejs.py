"""The admin screen that imports a TimelineJS sheet (CSV) or TimelineJS JSON, with a preview.

Two steps, as with the command (`import_timelinejs`), sharing its logic
(timeline/interchange/timelinejs_import/):

1. Upload: the form checks the file (size, UTF-8), the pair and the publish flag, then
   `prepare_import()` builds the plan without writing anything, and the page shows it: the
   counts, one row per event (action, date, title, kind, changed fields, new sources), the
   warnings, the skipped rows, and every bad row with its line number. A file with a bad row
   gets no confirm button.
2. Confirm: the file's bytes were kept on the server (a private temporary file named by a
   random token; the session holds the token with the pair and publish flag), so the client
   only sends the token back, which must be one this session was given. The plan is prepared
   again (the database may have changed since the preview) and written in one transaction,
   with the user in the history.

Staff only (the admin's own login check), `timeline.add_event` to import,
`timeline.publish_event` to publish; a publish request from anyone else is ignored and said so.
"""

import contextlib
import logging
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from .. import roles
from ..interchange.timelinejs_import import ImportFailed, prepare_import, write_import
from ..models import Event
from ..pairs import pair_countries

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PREVIEW_ROWS = 500  # rows shown in the preview table; the counts cover them all
SESSION_KEY = "timelinejs_imports"
SESSIONS_KEPT = 3  # pending previews per session; older ones are dropped with their files
STORE_MAX_AGE = 24 * 60 * 60
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
REASON = "Imported from TimelineJS (admin)"
WHERE = re.compile(r"((?:row|event) \d+): (.*)", re.DOTALL)


# The form ---------------------------------------------------------------------------------


class TimelineJSImportForm(forms.Form):
    import_file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "The TimelineJS Google Sheet saved as CSV (File → Download → Comma-separated values), "
            "or a TimelineJS JSON file. At most 20 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )
    pair = forms.CharField(
        label=gettext_lazy("Country pair"),
        required=False,
        max_length=20,
        help_text=gettext_lazy(
            "Two ISO 3166-1 alpha-2 codes, e.g. FR-RU: both countries go on every event. "
            "Without a pair the events get no countries, and no pair's timeline shows them."
        ),
        widget=forms.TextInput(attrs={"placeholder": "FR-RU", "size": 8, "autocomplete": "off"}),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish the events"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise new events are drafts and existing ones keep their state. "
            "Publishing needs a source: every row then needs a Media link."
        ),
    )

    def __init__(self, *args, can_publish=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.content = None
        if not can_publish:
            del self.fields["publish"]

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB: at most %(limit)d MB can be imported at once.")
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
                },
                code="too_large",
            )
        content = b"".join(upload.chunks())
        if not content.strip():
            raise ValidationError(_("The file is empty."), code="empty")
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _(
                    "The file is not UTF-8 text: is it a spreadsheet (.xlsx) or another "
                    "binary file? Save the sheet as CSV (UTF-8), or export the TimelineJS JSON."
                ),
                code="not_utf8",
            ) from None
        if "\x00" in content.decode("utf-8-sig"):
            raise ValidationError(
                _("The file contains binary data: save the sheet as CSV (UTF-8)."), code="binary"
            )
        self.content = content
        return upload

    def clean_pair(self):
        value = self.cleaned_data["pair"]
        if not value.strip():
            return ""
        return "-".join(country.code for country in pair_countries(value))


# Keeping the file between the two steps -------------------------------------------------------


def store_dir():
    directory = Path(
        getattr(settings, "TIMELINEJS_IMPORT_DIR", None)
        or Path(tempfile.gettempdir()) / "timelinejs-imports"
    )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def remove_stale_files(directory):
    limit = time.time() - STORE_MAX_AGE
    for path in directory.iterdir():
        try:
            if TOKEN.fullmatch(path.name) and path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def store(request, content, *, filename, pair, publish):
    """Keep the bytes in a private file; the session remembers the token. Returns the token."""
    directory = store_dir()
    remove_stale_files(directory)
    token = secrets.token_urlsafe(32)
    descriptor = os.open(directory / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending[token] = {
        "filename": filename,
        "pair": pair,
        "publish": publish,
        "user": request.user.pk,
        "created": time.time(),
    }
    for old in sorted(pending, key=lambda t: pending[t]["created"])[:-SESSIONS_KEPT]:
        forget(request, old, pending)
    request.session[SESSION_KEY] = pending
    return token


def recall(request, token):
    """(content, stored settings) for a token this session was given, or (None, None)."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None, None
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.get(token)
    if entry is None or entry.get("user") != request.user.pk:
        return None, None
    if time.time() - entry.get("created", 0) > STORE_MAX_AGE:
        discard(request, token)
        return None, None
    try:
        return (store_dir() / token).read_bytes(), entry
    except OSError:
        discard(request, token)
        return None, None


def forget(request, token, pending):
    pending.pop(token, None)
    if TOKEN.fullmatch(token):
        with contextlib.suppress(OSError):
            (store_dir() / token).unlink()


def discard(request, token):
    pending = dict(request.session.get(SESSION_KEY, {}))
    forget(request, token, pending)
    request.session[SESSION_KEY] = pending


# The view ---------------------------------------------------------------------------------


def prepare(content, *, pair, publish):
    """(plan, file errors): the plan, or the reasons the whole file cannot be read."""
    try:
        return prepare_import(content, pair=pair or None, publish=publish), []
    except ImportFailed as failure:
        return None, failure.errors
    except Exception:  # a hostile or broken file must give a message, never a server error
        logger.exception("TimelineJS import: the file could not be read")
        return None, [_("The file cannot be read as a TimelineJS sheet (CSV) or TimelineJS JSON.")]


def row_errors(plan):
    """[(where, reason)] from "row 7: reason"."""
    rows = []
    for message in plan.errors:
        match = WHERE.fullmatch(message)
        rows.append((match.group(1), match.group(2)) if match else ("", message))
    return rows


FIELD_LABELS = {
    "date_precision": gettext_lazy("precision"),
    "start": gettext_lazy("start"),
    "end": gettext_lazy("end"),
}


def field_label(name):
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    return str(Event._meta.get_field(name).verbose_name)


def preview_rows(plan):
    rows = []
    for planned in plan.events[:PREVIEW_ROWS]:
        event = planned.event
        changes = (
            [] if planned.action != "update" else [field_label(f) for f in planned.changed_fields]
        )
        if planned.action == "update":
            changes += [_("tag “%s”") % name for name in planned.new_tag_names]
            if planned.new_country_ids:
                changes.append(_("countries"))
            changes += [_("source %s") % (s.url or s.title) for s in planned.changed_sources]
        rows.append(
            {
                "action": planned.action,
                "where": planned.parsed.where,
                "date": event.date_display,
                "title": event.title,
                "kind": event.get_kind_display(),
                "state": event.get_state_display(),
                "changes": changes,
                "tags": planned.new_tag_names if planned.action == "create" else [],
                "sources": planned.new_sources,
                "url": reverse("admin:timeline_event_change", args=[event.pk]) if event.pk else "",
            }
        )
    return rows


def timelinejs_import_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    can_publish = roles.can_publish(request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import a TimelineJS timeline"),
        "subtitle": None,
        "opts": model_admin.opts,
        "can_publish": can_publish,
        "max_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
    }

    if request.method == "POST" and "token" in request.POST:
        return confirm(model_admin, request, context, can_publish)

    if request.method != "POST":
        form = TimelineJSImportForm(can_publish=can_publish)
        return render(request, {**context, "form": form})

    form = TimelineJSImportForm(request.POST, request.FILES, can_publish=can_publish)
    refused_publish = not can_publish and request.POST.get("publish") not in (
        None,
        "",
        "false",
        "0",
    )
    if refused_publish:
        messages.warning(
            request,
            _("Only editors can publish: the events will be imported as drafts."),
        )
    if not form.is_valid():
        return render(request, {**context, "form": form})

    pair = form.cleaned_data["pair"]
    publish = bool(form.cleaned_data.get("publish")) and can_publish
    plan, file_errors = prepare(form.content, pair=pair, publish=publish)
    if file_errors:
        for message in file_errors:
            form.add_error("import_file", message)
        return render(request, {**context, "form": form})

    filename = os.path.basename(form.cleaned_data["import_file"].name or "")[:200]
    token = None
    if not plan.errors and (plan.created or plan.updated):  # else there is nothing to confirm
        token = store(request, form.content, filename=filename, pair=pair, publish=publish)
    return render_preview(
        request,
        context,
        plan,
        filename=filename,
        pair=pair,
        token=token,
        form=TimelineJSImportForm(
            can_publish=can_publish, initial={"pair": pair, "publish": publish}
        ),
    )


def confirm(model_admin, request, context, can_publish):
    token = request.POST.get("token")
    content, entry = recall(request, token)
    import_url = reverse("admin:timeline_event_import_timelinejs")
    if content is None:
        messages.error(
            request,
            _("This preview has expired or was imported already: upload the file again."),
        )
        return HttpResponseRedirect(import_url)
    publish = bool(entry["publish"])
    if publish and not can_publish:  # the permission was taken away since the preview
        messages.warning(request, _("Only editors can publish: the events are imported as drafts."))
        publish = False
    plan, file_errors = prepare(content, pair=entry["pair"], publish=publish)
    if file_errors or plan.errors:
        # The database changed since the preview (a country removed, a conflicting edit).
        discard(request, token)
        if file_errors:
            for message in file_errors:
                messages.error(request, message)
            return HttpResponseRedirect(import_url)
        messages.error(request, _("Nothing was imported: the file no longer fits the database."))
        return render_preview(
            request,
            context,
            plan,
            filename=entry["filename"],
            pair=entry["pair"],
            token=None,
            form=TimelineJSImportForm(can_publish=can_publish, initial={"pair": entry["pair"]}),
        )
    report = write_import(plan, user=request.user, reason=REASON)
    discard(request, token)
    created = ngettext("%d event created", "%d events created", report.created) % report.created
    updated = ngettext("%d updated", "%d updated", report.updated) % report.updated
    parts = [created, updated]
    if report.unchanged:
        parts.append(ngettext("%d unchanged", "%d unchanged", report.unchanged) % report.unchanged)
    name = (
        pgettext("the import's name, quoted", "“%(name)s”: ") % {"name": plan.name}
        if plan.name
        else ""
    )
    state = _("published") if publish else _("new events are drafts")
    messages.success(
        request,
        _("Imported %(name)s%(counts)s (%(state)s).")
        % {"name": name, "counts": ", ".join(parts), "state": state},
    )
    return HttpResponseRedirect(reverse("admin:timeline_event_changelist"))


def render_preview(request, context, plan, *, filename, pair, token, form):
    warnings = list(plan.warnings)
    if not pair:
        warnings.insert(
            0, _("No country pair: the events get no countries, so no pair's timeline shows them.")
        )
    blocked = bool(plan.errors)  # nothing will be written: say "would"
    counts = [
        ("create", _("would be created") if blocked else _("to create"), plan.created),
        ("update", _("would be updated") if blocked else _("to update"), plan.updated),
        ("unchanged", _("unchanged"), plan.unchanged),
        ("skipped", _("skipped rows"), len(plan.skipped)),
    ]
    if plan.errors:
        counts.append(("error", _("rows with errors"), len(plan.errors)))
    return render(
        request,
        {
            **context,
            "title": _("Import a TimelineJS timeline: preview"),
            "form": form,
            "plan": plan,
            "preview": True,
            "filename": filename,
            "pair": pair,
            "token": token,
            "counts": counts,
            "rows": preview_rows(plan),
            "hidden_rows": max(0, len(plan.events) - PREVIEW_ROWS),
            "warnings": warnings,
            "row_errors": row_errors(plan),
        },
    )


def render(request, context):
    return TemplateResponse(request, "admin/timeline/event/timelinejs_import.html", context)
