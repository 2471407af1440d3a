"""What a reader may ask of the timeline: the filter form every public URL shares.

`TimelineFilter` reads the GET parameters of the URL contract (pair, from, to, kind,
dispute, person, tag, q), refuses unknown values and malformed dates with a message that
names the parameter, and hands the selectors clean values. Views answer 400 when it is not
valid; nothing is silently ignored.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .caching import cached
from .dates import format_date
from .languages import ORIGINAL_LANGUAGE, content_language
from .models import Country, Dispute, Event, Participation, Person, Tag
from .pairs import DEFAULT_PAIR, FORMAT_MESSAGE, normalise_pair
from .selectors import between, pairs_with_events

DATE_FORMAT = "%Y-%m-%d"
PARAMETERS = ["pair", "from", "to", "kind", "dispute", "person", "tag", "q"]


def localized_pair_labels(pairs):
    """{"FR-RU": "France – Russie"}: the pairs' labels with the countries' names in the
    active language (the selectors name them in the original)."""
    if content_language() == ORIGINAL_LANGUAGE:
        return {pair.code: pair.label for pair in pairs}
    codes = {code for pair in pairs for code in pair.code.split("-")} | set(DEFAULT_PAIR.split("-"))
    names = {c.code: c.localized_name for c in Country.objects.filter(code__in=codes)}
    labels = {}
    for code in [pair.code for pair in pairs] + [DEFAULT_PAIR]:
        a, b = code.split("-")
        if a in names and b in names:
            labels[code] = f"{names[a]} – {names[b]}"
    return labels


def translated(message, **params):
    """A message translated when shown (in the reader's language), not when the module is
    imported, with `params` filled in ("%%(value)s" stays for the form to fill)."""
    return lazy(lambda: gettext(message) % params, str)()


def unknown(param):
    return translated(gettext_noop("Unknown %(param)s “%%(value)s”."), param=param)


class SlugChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset, *, param, **kwargs):
        super().__init__(
            queryset,
            to_field_name="slug",
            required=False,
            error_messages={"invalid_choice": unknown(param)},
            **kwargs,
        )


class SlugMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, queryset, *, param, **kwargs):
        super().__init__(
            queryset,
            to_field_name="slug",
            required=False,
            error_messages={
                "invalid_choice": unknown(param),
                "invalid_pk_value": translated(
                    gettext_noop("Unknown %(param)s “%%(pk)s”."), param=param
                ),
            },
            **kwargs,
        )


class CalendarDateField(forms.DateField):
    """A YYYY-MM-DD date; "2017-02-30" is written right but is no day of the calendar, and
    the error says so rather than asking for the format it already has."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                raise forms.ValidationError(
                    self.error_messages["no_such_day"],
                    code="no_such_day",
                    params={"value": value.strip()},
                ) from None
            raise


def date_field(param, label):
    return CalendarDateField(
        label=label,
        required=False,
        input_formats=[DATE_FORMAT],
        error_messages={
            "invalid": translated(
                gettext_noop("“%(param)s” must be a date written YYYY-MM-DD."), param=param
            ),
            "no_such_day": translated(
                gettext_noop("“%(param)s”: there is no day %%(value)s in the calendar."),
                param=param,
            ),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )


def offered_choices(field, pair):
    """[(slug, label)] of a person or tag field: those of the pair's published events."""
    links = {"person": Participation.objects, "tag": Event.tags.through.objects}
    name = "person" if field.queryset.model is Person else "tag"
    pair_events = between(Event.objects.published(), pair.split("-")).values("pk")
    # An IN list built once rather than an EXISTS per person or tag. (The stall it was
    # first blamed for came from stale planner statistics: see timeline/planner.py.)
    used = links[name].filter(event__in=pair_events).values(f"{name}_id")
    empty = (
        [("", str(field.empty_label))] if getattr(field, "empty_label", None) is not None else []
    )
    return empty + [
        (obj.slug, str(field.label_from_instance(obj)))
        for obj in field.queryset.filter(pk__in=used)
    ]


class TimelineFilter(forms.Form):
    """The filters of the URL contract. All optional: an empty form means FR–RU, all time."""

    pair = forms.CharField(label=_("Countries"), required=False, widget=forms.Select)
    from_ = date_field("from", _("From"))
    to = date_field("to", _("To"))
    kind = forms.MultipleChoiceField(
        label=_("Kinds of event"),
        required=False,
        choices=Event.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": unknown("kind")},
    )
    dispute = SlugChoiceField(
        Dispute.objects.all(),
        param="dispute",
        label=pgettext_lazy("filter", "Dispute"),
        empty_label=_("Any dispute"),
    )
    # People and tags of published events: EXISTS, not a join with DISTINCT, which reads
    # every participation (a second at 100,000 events).
    person = SlugChoiceField(
        Person.objects.filter(
            Exists(
                Participation.objects.filter(
                    person=OuterRef("pk"), event__state=Event.State.PUBLISHED
                )
            )
        ),
        param="person",
        label=_("Person"),
        empty_label=_("Anyone"),
    )
    tag = SlugMultipleChoiceField(
        Tag.objects.filter(
            Exists(
                Event.tags.through.objects.filter(
                    tag=OuterRef("pk"), event__state=Event.State.PUBLISHED
                )
            )
        ),
        param="tag",
        label=_("Tags"),
        help_text=_("Any of the chosen tags."),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Words in title, summary or quote")}
        ),
        error_messages={"max_length": _("“q” can be at most %(limit_value)d characters.")},
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.pairs = pairs_with_events()
        self.pair_labels = localized_pair_labels(self.pairs)
        choices = [(pair.code, self.pair_labels.get(pair.code, pair.label)) for pair in self.pairs]
        # The default pair first, whatever its count: a page without `pair` shows it, and the
        # browser selects the first option when none is chosen.
        default = (
            dict(choices).get(DEFAULT_PAIR)
            or self.pair_labels.get(DEFAULT_PAIR)
            or _("France – Russia")
        )
        choices = [(DEFAULT_PAIR, default)] + [c for c in choices if c[0] != DEFAULT_PAIR]
        self.fields["pair"].widget.choices = choices
        # The people and tags on offer are those of the pair's published events, listed
        # once per data version of the pair; validation still accepts anyone with a
        # published event, and asks the database for the one value given.
        pair = normalise_pair((data or {}).get("pair")) or DEFAULT_PAIR
        for name in ("person", "tag"):
            field = self.fields[name]
            choices = cached(
                [f"{name}-choices", pair],
                lambda field=field: offered_choices(field, pair),
                codes=pair.split("-"),
            )
            # A value asked for from another pair stays shown as chosen (a value that is no
            # slug is left to validation, which names the parameter).
            asked = data.getlist(name) if hasattr(data, "getlist") else []
            chosen = {v for v in asked if slug_re.match(v)} - {v for v, _l in choices}
            if chosen:
                choices = choices + [
                    (o.slug, str(o)) for o in field.queryset.filter(slug__in=chosen)
                ]
            field.widget.choices = choices

    def clean_pair(self):
        raw = self.cleaned_data.get("pair")
        if not raw:
            return DEFAULT_PAIR
        pair = normalise_pair(raw)
        if pair is None:
            raise forms.ValidationError(
                format_lazy("{} {}", _("Unknown pair “%(value)s”."), FORMAT_MESSAGE),
                code="invalid",
                params={"value": raw},
            )
        if pair != DEFAULT_PAIR and pair not in {p.code for p in self.pairs}:
            raise forms.ValidationError(
                _("Unknown pair “%(value)s”: no published events between these countries."),
                code="invalid_choice",
                params={"value": raw},
            )
        return pair

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("“to” cannot be before “from”."))
        return cleaned

    def query_string(self):
        """The filters as given, without empty ones: the query of links to the same view."""
        query = QueryDict(mutable=True)
        for name in self.fields:
            values = [v for v in self.data.getlist(name) if v]
            if values:
                query.setlist(name, values)
        return query.urlencode()

    @property
    def simple_fields(self):
        """The one-value fields, in the order the filter bar shows them."""
        return [self[name] for name in ("pair", "from", "to", "dispute", "person", "q")]

    @property
    def pair_codes(self):
        """('FR', 'RU') for a valid form, the default pair otherwise."""
        pair = self.cleaned_data.get("pair") if self.is_valid() else None
        return tuple((pair or DEFAULT_PAIR).split("-"))

    def summary(self):
        """The narrowing filters in words ("Syria and Aleppo · meetings · from 1 January 2015"),
        for titles of filtered views; empty when only the pair is chosen."""
        if not self.is_valid():
            return ""
        data = self.cleaned_data
        parts = [str(obj) for obj in (data.get("dispute"), data.get("person")) if obj]
        labels = dict(Event.Kind.choices)
        parts += [", ".join(str(labels[k]) for k in data.get("kind") or [])]
        parts += [", ".join(str(tag) for tag in data.get("tag") or [])]
        if data.get("from"):
            parts.append(_("from %(date)s") % {"date": format_date(data["from"])})
        if data.get("to"):
            parts.append(_("to %(date)s") % {"date": format_date(data["to"])})
        if data.get("q"):
            # Quoted as the language quotes: « poutine » in French.
            parts.append(pgettext("searched words", "“%(words)s”") % {"words": data["q"]})
        return " · ".join(part for part in parts if part)

    @property
    def pair_label(self):
        code = "-".join(self.pair_codes)
        return self.pair_labels.get(code) or code.replace("-", " – ")


# `from` is a Python keyword: the field is declared as from_ and served as `from`.
TimelineFilter.base_fields["from"] = TimelineFilter.base_fields.pop("from_")
TimelineFilter.base_fields = {name: TimelineFilter.base_fields[name] for name in PARAMETERS}
TimelineFilter.declared_fields = TimelineFilter.base_fields


class ListPage(forms.Form):
    """`page` of a list of events: under the chart (the dashboard and the embed page) and in
    the API, which answer a page past the end alike (`no_such_page`)."""

    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": _("a page number is a whole number, 1 or more.")},
    )


def no_such_page(pages):
    """The message for a `page` past the last one."""
    return ngettext(
        "“page”: there is only %(pages)d page of events.",
        "“page”: there are only %(pages)d pages of events.",
        pages,
    ) % {"pages": pages}


def counted_page(items, *, count, number, size):
    """Page `number` of `items`, whose count is known already (cached with the figure, so
    no COUNT query). Past the last page: ValidationError(no_such_page), which the dashboard,
    the embed and the API all answer with a 400."""
    paginator = Paginator(items, size)
    paginator.count = count
    if number > paginator.num_pages:
        raise ValidationError(no_such_page(paginator.num_pages), code="no_such_page")
    return paginator.page(number)


class ChartWindow(forms.Form):
    """The window of time a reader zoomed the chart to: `window_from`, `window_to`."""

    window_from = date_field("window_from", _("Window from"))
    window_to = date_field("window_to", _("Window to"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("window_from"), cleaned.get("window_to")
        if not self.errors and (start is None) != (end is None):
            missing = "window_to" if end is None else "window_from"
            self.add_error(missing, _("Give both “window_from” and “window_to”, or neither."))
        elif start and end and start > end:
            self.add_error("window_to", _("“window_to” cannot be before “window_from”."))
        return cleaned

    @property
    def window(self):
        start, end = self.cleaned_data.get("window_from"), self.cleaned_data.get("window_to")
        return (start, end) if start and end else None
