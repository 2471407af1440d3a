"""Search that finds words whatever their case and accents, in every language's texts.

Each event keeps `search_text`: its titles, summaries and quotes in every language and its
place's name, folded (lower-cased by Unicode case folding, accents and other combining marks
taken off, markup dropped), so that "élysée", "ELYSÉE" and "elysee" all find "Élysée" and
"петербургский" finds "Петербургский", on SQLite as on PostgreSQL. A search folds its words
the same way and keeps the events whose text holds every word (a word may be the start or
the middle of a longer one: "versail" finds Versailles), the most relevant first where a
list is ranked: a word found in a title before one found further down.

The column is written by Event.save(), by the bulk writers (`refresh`), and when a place is
renamed. PostgreSQL answers the substring test from a trigram index (pg_trgm, migration
0011); SQLite scans the one folded column.
"""

import unicodedata

from django.db.models import Q, Value
from django.db.models.functions import StrIndex

from .interchange.sanitize import plain_text
from .languages import ORIGINAL_LANGUAGE, codes, columns

# The event's fields that go into its search text, each in every language it has.
SEARCHED_FIELDS = ("title", "summary", "quote")
MAX_WORDS = 8  # a search of more words than this uses the first eight


def fold(text):
    """'Élysée' -> 'elysee', 'Петербургский' -> 'петербургскии': what a search compares."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def searched_texts(event):
    """The versions of its searched fields in every language, titles first."""
    for name in SEARCHED_FIELDS:
        for code in codes():
            column = f"{name}_{code}"
            # A migration's Event of before the per-language columns has the original as `title`.
            if code == ORIGINAL_LANGUAGE and not hasattr(event, column):
                column = name
            yield getattr(event, column, "") or ""


def place_names(place):
    """A place's name in every language it has, as one text ("Versailles Версаль")."""
    if place is None:
        return ""
    names = [getattr(place, column, None) for column in columns("name")]
    # A migration's Place of before the per-language columns has its name as `name` only.
    return " ".join(dict.fromkeys(name for name in names if name)) or place.name


def search_text(event, place_name=None):
    """The folded text `event` is found by; titles first (they rank first)."""
    if place_name is None:
        place_name = place_names(event.place) if event.place_id else ""
    parts = [plain_text(text) for text in searched_texts(event)]
    return fold(" \n".join([*parts, place_name]))


def refresh(events):
    """Set `search_text` on events about to be written in bulk (no save(), no signal)."""
    from .models import Place

    places = Place.objects.filter(pk__in={e.place_id for e in events if e.place_id})
    names = {place.pk: place_names(place) for place in places}
    for event in events:
        event.search_text = search_text(event, names.get(event.place_id, ""))


def words(query):
    return fold(query).split()[:MAX_WORDS]


def matching(query):
    """The Q of the events whose text holds every word of `query` (nothing for no words)."""
    condition = Q()
    for word in words(query):
        condition &= Q(search_text__contains=word)
    return condition


def relevance(query):
    """An expression to order by, smallest first: where the first word first appears (a
    title comes before a summary, a summary before a place)."""
    found = words(query)
    return StrIndex("search_text", Value(found[0] if found else ""))
