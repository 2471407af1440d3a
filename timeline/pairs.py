"""A pair of countries, as URLs, the importer and the admin write it: 'FR-RU'.

The one home of reading a pair: every entry point (the filter form, the cache key, the
TimelineJS importer on the command line and in the admin) parses it here and refuses it
with the same message.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Country

DEFAULT_PAIR = "FR-RU"
FORMAT_MESSAGE = _(
    "Give two different ISO 3166-1 alpha-2 country codes joined by a dash, e.g. FR-RU."
)


def normalise_pair(value):
    """'ru-fr', ' FR - RU ' -> 'FR-RU' (two distinct alpha-2 codes, sorted); None if not a pair."""
    codes = "".join((value or "").split()).upper().split("-")
    if len(codes) != 2 or not all(len(c) == 2 and c.isascii() and c.isalpha() for c in codes):
        return None
    if codes[0] == codes[1]:
        return None
    return "-".join(sorted(codes))


def pair_countries(value):
    """The two Country rows of a pair written by a person, or ValidationError saying why."""
    pair = normalise_pair(value)
    if pair is None:
        raise ValidationError(FORMAT_MESSAGE, code="invalid_pair")
    codes = pair.split("-")
    found = {country.code: country for country in Country.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(
            ngettext(
                "Unknown country code %(codes)s: add the country in the admin first.",
                "Unknown country codes %(codes)s: add the countries in the admin first.",
                len(unknown),
            )
            % {"codes": ", ".join(unknown)},
            code="unknown_country",
        )
    return [found[code] for code in codes]
