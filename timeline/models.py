"""The diplomacy domain: countries, people in office, organisations, places, disputes that
span time, and the events between them, each with its sources.

Validation lives in the models' clean() methods so the admin, the importers and the dataset
loader all refuse the same bad input with the same message.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import roles, search
from .dates import Certainty, Precision, edtf, format_date, format_span, format_uncertain
from .languages import ORIGINAL_LANGUAGE, localized
from .tone import written

TONE_MIN, TONE_MAX = -10, 10


def unique_slug(model, text, *, max_length=80, exclude_pk=None):
    """A slug for `text` that no other row of `model` has, suffixed -2, -3… if needed."""
    base = slugify(text)[:max_length].strip("-") or "item"
    slug, n = base, 2
    others = model._default_manager.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug


def check_span(start, end, *, end_field="end"):
    if start and end and end < start:
        raise ValidationError({end_field: _("The end date cannot be before the start date.")})


class SlugFromName(models.Model):
    """A row named by curators whose slug (for URLs and filters) is made from its name."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            original = localized(self, "name", ORIGINAL_LANGUAGE)
            self.slug = unique_slug(type(self), original, exclude_pk=self.pk)
        super().save(*args, **kwargs)


class Country(models.Model):
    code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2 code, two capital letters: FR, RU, UA."),
    )
    name = models.CharField(_("name"), max_length=100)

    # history: registered in translation.py, once its per-language columns exist.

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_is_alpha2"
            )
        ]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self):
        return localized(self, "name")

    def clean(self):
        self.code = (self.code or "").strip().upper()
        if len(self.code) != 2 or not self.code.isascii() or not self.code.isalpha():
            raise ValidationError(
                {"code": _("Use the two-letter ISO 3166-1 alpha-2 code, e.g. FR.")}
            )


class Person(SlugFromName):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("Nationality, or the country the person speaks for."),
    )
    description = models.TextField(_("description"), blank=True)

    # history: registered in translation.py, once its per-language columns exist.

    class Meta:
        verbose_name = _("person")
        ordering = ["name"]
        verbose_name_plural = _("people")

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self):
        return localized(self, "name")


class OfficeTerm(models.Model):
    """A person's time in an office (a leader's term). An empty end means still in office."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="terms"
    )
    office = models.CharField(_("office"), max_length=200, help_text=_("e.g. President of France"))
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="terms"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty while in office."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office term")
        verbose_name_plural = _("office terms")
        ordering = ["country__name", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="office_term_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.office} ({format_span(self.start, self.end, open_end=True)})"

    def clean(self):
        check_span(self.start, self.end)
        if not (self.start and self.office and self.country_id):
            return
        # Terms are half-open [start, end): a handover on the same day is not an overlap.
        overlapping = OfficeTerm.objects.filter(
            office=self.office, country_id=self.country_id
        ).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(end__isnull=True) | Q(end__gt=self.start))
        if self.end:
            overlapping = overlapping.filter(start__lt=self.end)
        clash = overlapping.select_related("person").first()
        if clash:
            raise ValidationError(
                _("This term overlaps %(other)s's term as %(office)s (%(span)s).")
                % {
                    "other": clash.person,
                    "office": clash.office,
                    "span": format_span(clash.start, clash.end, open_end=True),
                }
            )


class Organization(SlugFromName):
    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("intergovernmental")
        GOVERNMENT = "government", _("government body")
        MEDIA = "media", _("media")
        NGO = "ngo", _("NGO")
        CAMPAIGN = "campaign", _("campaign")
        PARTY = "party", _("political party")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        help_text=_("Empty for international organisations."),
    )

    # history: registered in translation.py, once its per-language columns exist.

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]


class Place(models.Model):
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="places",
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    # history: registered in translation.py, once its per-language columns exist.

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]
        # Not unique=True: the per-language copies would inherit it (see Tag).
        constraints = [models.UniqueConstraint(fields=["name"], name="place_name_is_unique")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        before = Place.objects.filter(pk=self.pk).first() if self.pk else None
        renamed = before and search.place_names(before) != search.place_names(self)
        super().save(*args, **kwargs)
        if renamed:
            # Its events are found by its names: their search text follows (in bulk, as no
            # fact of theirs changed and their history has nothing to record).
            events = list(self.events.all())
            for event in events:
                event.search_text = search.search_text(event, search.place_names(self))
            Event.objects.bulk_update(events, ["search_text"])

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))


class Tag(SlugFromName):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)

    # history: registered in translation.py, once its per-language columns exist.

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        # A constraint, not unique=True: the per-language copies of the field (and their
        # history) would inherit unique=True, and a tag's versions share their names.
        constraints = [models.UniqueConstraint(fields=["name"], name="tag_name_is_unique")]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self):
        return localized(self, "name")


class Dispute(models.Model):
    """A row that runs through many events (Syria/Aleppo, Ukraine/Crimea…)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        FROZEN = "frozen", _("frozen")
        RESOLVED = "resolved", _("resolved")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    parties = models.ManyToManyField(
        Country, verbose_name=_("parties"), related_name="disputes", blank=True
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty while ongoing."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)

    # history: registered in translation.py, once its per-language columns exist.

    class Meta:
        ordering = ["start", "name"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="dispute_ends_after_start",
            )
        ]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self):
        return localized(self, "name")

    @property
    def localized_summary(self):
        return localized(self, "summary")

    def clean(self):
        check_span(self.start, self.end)
        if self.status == self.Status.RESOLVED and not self.end:
            raise ValidationError({"end": _("A resolved dispute needs an end date.")})
        if self.status == self.Status.ACTIVE and self.end:
            raise ValidationError(
                {"status": _("A dispute with an end date is not active: mark it resolved.")}
            )

    @property
    def span_display(self):
        return format_span(self.start, self.end, open_end=True)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Event.State.PUBLISHED)

    def unsourced(self):
        return self.filter(sources__isnull=True)


class Event(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("meeting")
        VISIT = "visit", _("visit")
        CALL = "call", _("phone call")
        SUMMIT = "summit", _("summit")
        STATEMENT = "statement", _("statement")
        PROTEST = "protest", _("protest")
        ELECTION = "election", _("election")
        CYBER = "cyber", _("cyber attack")
        MILITARY = "military", _("military action")
        SANCTION = "sanction", _("sanction")
        AGREEMENT = "agreement", _("agreement")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Part of the event's address. Left empty, it is made from date and title."),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    start = models.DateField(
        _("start"),
        help_text=_("For a month- or year-precision date, use the first day (2016-10-01)."),
    )
    end = models.DateField(
        _("end"), null=True, blank=True, help_text=_("Only for multi-day events.")
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=Precision,
        default=Precision.DAY,
        help_text=_("How exactly the date is known; dates are shown only to this precision."),
    )
    date_certainty = models.CharField(
        _("date certainty"),
        max_length=8,
        choices=Certainty,
        default=Certainty.EXACT,
        help_text=_(
            "“c. 1717”, “before 1892”, “between 12 and 15 May”: shown as written, drawn with "
            "its uncertainty, stored in EDTF."
        ),
    )
    latest_start = models.DateField(
        _("latest possible date"),
        null=True,
        blank=True,
        help_text=_(
            "Only for “between”: the last day it may have happened (the start is the first)."
        ),
    )
    cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_(
            "Tick for an event that was planned but did not take place (a cancelled visit)."
        ),
    )
    summary = models.TextField(_("summary"), blank=True)
    quote = models.TextField(
        _("quote"),
        blank=True,
        help_text=_(
            "For statements: the words quoted. Add the speaker as a participant with the role 'speaker'."
        ),
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), related_name="events", blank=True
    )
    # The target of an event, as event-coding schemes have a source and a target actor: a
    # statement about Russia made at the G7 involves France and is about Russia, so the
    # France–Russia timeline shows it (selectors.between).
    about = models.ManyToManyField(
        Country,
        verbose_name=_("about"),
        related_name="events_about",
        blank=True,
        help_text=_(
            "Countries the event is about without taking part, e.g. Russia for a statement on Russia."
        ),
    )
    disputes = models.ManyToManyField(
        Dispute, verbose_name=_("disputes"), related_name="events", blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="events", blank=True)
    tone = models.SmallIntegerField(
        _("tone"),
        default=0,
        validators=[MinValueValidator(TONE_MIN), MaxValueValidator(TONE_MAX)],
        help_text=_(
            "From −10 (conflict) to +10 (cooperation), in the spirit of the Goldstein scale. "
            "Ask: how much did this event push the two countries apart or together? "
            "−10 military attack · −7 war-crimes accusation · −5 sanctions, cancelled visit · "
            "−2 protest, criticism · 0 neutral (an election, a report) · "
            "+2 phone call, talks · +4 state visit, summit together · +7 agreement signed · "
            "+10 alliance, treaty."
        ),
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=State,
        default=State.DRAFT,
        db_index=True,
        help_text=_("Only published events appear on the public site; publishing needs a source."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Its texts, folded, for search (timeline/search.py): derived, so not in the history.
    search_text = models.TextField(editable=False, blank=True, default="")

    # history: registered in translation.py, once its per-language columns exist.
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [(roles.PUBLISH, "Can publish and unpublish events")]
        # (state, end): a zoomed window reads the events that started before it and last into it.
        indexes = [
            models.Index(fields=["state", "start"]),
            models.Index(fields=["state", "end"]),
            models.Index(fields=["state", "latest_start"]),
            models.Index(fields=["kind"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(latest_start__isnull=True) | Q(latest_start__gt=models.F("start")),
                name="event_latest_start_after_start",
            ),
            models.CheckConstraint(
                condition=Q(tone__gte=TONE_MIN) & Q(tone__lte=TONE_MAX),
                name="event_tone_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.date_display} — {self.localized_title}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Event,
                f"{self.start:%Y-%m-%d} {localized(self, 'title', ORIGINAL_LANGUAGE)}",
                max_length=100,
                exclude_pk=self.pk,
            )
        self.search_text = search.search_text(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("timeline:event", args=[self.slug])

    def clean_certainty(self):
        """A window ("between") has its latest date and no end; a bound ("before", "after")
        is one day, not a span."""
        between = self.date_certainty == Certainty.BETWEEN
        if between and not self.latest_start:
            raise ValidationError({"latest_start": _("“Between” needs the latest possible date.")})
        if not between and self.latest_start:
            raise ValidationError(
                {"latest_start": _("Only a date “between” two dates has a latest possible date.")}
            )
        if between and self.start and self.latest_start <= self.start:
            raise ValidationError(
                {"latest_start": _("The latest possible date comes after the start.")}
            )
        if self.end and self.date_certainty in (
            Certainty.BEFORE,
            Certainty.AFTER,
            Certainty.BETWEEN,
        ):
            raise ValidationError(
                {"end": _("A date “before”, “after” or “between” is one day: leave the end empty.")}
            )

    @property
    def localized_title(self):
        """The title in the reader's language (see timeline.languages.localized)."""
        return localized(self, "title")

    @property
    def localized_summary(self):
        return localized(self, "summary")

    @property
    def localized_quote(self):
        return localized(self, "quote")

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    @property
    def date_display(self):
        """The date in its precision and certainty: "October 2016", not "1 October 2016";
        "c. 1717", "before 1892"."""
        return format_uncertain(*self.date_parts)

    @property
    def date_edtf(self):
        """The date in EDTF, for the exports: "2016-10", "1717~", "[..1892]"."""
        return edtf(*self.date_parts)

    @property
    def date_parts(self):
        return (self.start, self.end, self.date_precision, self.date_certainty, self.latest_start)

    @property
    def tone_display(self):
        """ "+3", "−5" (the scale's minus sign), "0"."""
        return written(self.tone)

    def clean(self):
        check_span(self.start, self.end)
        self.clean_certainty()
        if self.start:
            precision_errors = Precision.errors(self.start, self.date_precision)
            for other in (self.end, self.latest_start):
                if other:
                    precision_errors += Precision.errors(other, self.date_precision)
            if precision_errors:
                raise ValidationError({"date_precision": precision_errors})
        if self.tone is not None and not TONE_MIN <= self.tone <= TONE_MAX:
            raise ValidationError({"tone": _("Tone runs from −10 to +10.")})
        # Sources arrive through inlines the model cannot see yet when adding; the admin's
        # source formset checks that case (see admin.SourceInlineFormSet).
        if self.pk and self.is_published and not self.sources.exists():
            raise ValidationError({"state": PUBLISH_NEEDS_SOURCE})


PUBLISH_NEEDS_SOURCE = _("An event cannot be published without at least one source.")


class Participation(models.Model):
    """A person or an organisation taking part in an event, in a role."""

    class Role(models.TextChoices):
        HOST = "host", _("host")
        GUEST = "guest", _("guest")
        PARTICIPANT = "participant", _("participant")
        SPEAKER = "speaker", _("speaker")
        AUTHOR = "author", _("author")
        SUBJECT = "subject", _("subject")
        TARGET = "target", _("target")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.PARTICIPANT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(organization__isnull=True))
                | (Q(person__isnull=True) & Q(organization__isnull=False)),
                name="participation_is_person_xor_organization",
            )
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"

    @property
    def actor(self):
        return self.person or self.organization

    def clean(self):
        if bool(self.person_id) == bool(self.organization_id):
            raise ValidationError(_("Choose either a person or an organisation (one of the two)."))


class Source(models.Model):
    """Where a fact about an event is stated: a report, a document, an official page."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sources"
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    published = models.DateField(_("published"), null=True, blank=True)
    quote = models.TextField(
        _("quoted passage"), blank=True, help_text=_("The passage that states the fact, verbatim.")
    )
    archived_url = models.URLField(
        _("archived URL"), max_length=500, blank=True, help_text=_("A copy in a web archive.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(title=""), name="source_has_url_or_title"
            )
        ]

    def __str__(self):
        return self.title or self.url

    @property
    def published_display(self):
        return format_date(self.published)

    def clean(self):
        if not self.url and not self.title:
            raise ValidationError(_("A source needs a URL or, for print and broadcast, a title."))


class DataVersion(models.Model):
    """A token that changes whenever the data it covers does (see timeline/caching.py).

    One row per scope: "*" for everything (countries' names, people, tags, bulk writes…) and
    one per country code for the events, disputes and office terms of that country. Cached
    figures are keyed by the tokens of what they show, so that an edit to France–Russia
    leaves the cache of other pairs alone. The tokens live in the database rather than the
    cache so that every worker sees a change at once, even with per-process memory caches.
    """

    scope = models.CharField(max_length=8, unique=True)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("data version")

    def __str__(self):
        return f"{self.scope}: {self.token}"


class Suggestion(models.Model):
    """A reader's correction of an event, or an event they say is missing: plain text kept
    for the editors, never shown to readers and never applied by itself
    (timeline/suggestions.py). The e-mail, for a reply only, is erased once it is closed."""

    class State(models.TextChoices):
        NEW = "new", _("new")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    # A suggestion outlives its event: deleting the event must not lose what readers said.
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        help_text=_("Empty for a suggested new event."),
    )
    message = models.TextField(_("what is wrong or missing"), max_length=2000)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail for a reply"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.NEW, db_index=True
    )
    reason = models.CharField(
        _("reason"), max_length=300, blank=True, help_text=_("Why it was rejected, for the record.")
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reader's suggestion")
        verbose_name_plural = _("readers' suggestions")
        ordering = ["-created_at", "-pk"]
        permissions = [(roles.ACCEPT_SUGGESTION, "Can accept readers' suggestions")]

    def __str__(self):
        return self.message[:60]


class Correction(models.Model):
    """The public record of a correction to a published event: when, what changed, and the
    editor's short note for readers. A minor one (a typo) stays off the public record."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="corrections"
    )
    corrected_at = models.DateTimeField(_("corrected"), db_index=True)
    fields = models.CharField(_("what changed"), max_length=300)
    note = models.CharField(_("public note"), max_length=300, blank=True)
    minor = models.BooleanField(_("minor"), default=False)
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("reader's suggestion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
    )

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-corrected_at", "-pk"]

    def __str__(self):
        return f"{self.event} — {self.facts_display}"

    @property
    def date_display(self):
        return format_date(timezone.localtime(self.corrected_at).date())

    @property
    def facts_display(self):
        from .public_record import in_words  # which facts there are is decided there

        return in_words(self.fields)

    @property
    def in_words(self):
        """ "The meeting was a day later. (date)", or "date" without a note: as feeds say it."""
        return f"{self.note} ({self.facts_display})" if self.note else self.facts_display
