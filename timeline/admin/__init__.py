"""The curators' admin: one screen per model, history and revert everywhere
(django-simple-history), CSV/JSON import and export (django-import-export), a list of
deleted events to restore, and a login form that throttles repeated failures.

- events.py: the event screen (inlines, publishing rules, deleted events)
- reference.py: countries, people, terms, organisations, places, tags, disputes,
  participations, sources
- resources.py: import/export column definitions
- suggestions.py: the queue of readers' suggestions, the public record of corrections
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..login_throttle import ThrottledAdminAuthenticationForm
from .events import EventAdmin, SourceInlineFormSet  # noqa: F401  (registers)
from .reference import CountryAdmin  # noqa: F401  (registers the reference screens)
from .suggestions import SuggestionAdmin  # noqa: F401  (registers the readers' queue)

admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = _("Diplomacy timeline — curation")
admin.site.site_title = _("Diplomacy timeline curation")
admin.site.index_title = _("Curation")
