"""The language switcher (the page being read, in each language of settings.LANGUAGES),
and the language of a curated text shown on a page in another one."""

import functools

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language

from ..languages import content_language, shown_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """[{code, name, url, current}] for each language: the same path and query (filters)
    under the language's prefix ("/fr/?dispute=syria" <-> "/?dispute=syria").

    On an htmx request the path is the request's own (the URL htmx pushes), so the links
    rendered with a filtered partial carry the new filters."""
    request = context["request"]
    current = get_language()
    path = request.get_full_path()
    return [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag
def lang_of(obj, field):
    """' lang="en"' on an element whose text is the original because the page's language
    has no version of it, so that screen readers switch voice; nothing otherwise."""
    shown = shown_language(obj, field)
    if shown == content_language():
        return ""
    return format_html(' lang="{}"', shown)


PLOTLY_VERSION = "4.1.1"  # the bundle's, vendor/plotly-timeline-<version>.min.js


@functools.cache
def plotly_locale_file(code):
    """plotly.js's words (months on the axis, hover dates, its buttons) in a language, when
    vendored (static/vendor/plotly-locale-<code>-<version>.js); None for English, built in."""
    name = f"vendor/plotly-locale-{code}-{PLOTLY_VERSION}.js"
    return name if code != "en" and finders.find(name) else None


@register.simple_tag
def plotly_locale_script():
    name = plotly_locale_file(get_language())
    return format_html('<script src="{}" defer></script>', static(name)) if name else ""
