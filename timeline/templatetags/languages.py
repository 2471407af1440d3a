"""The language switcher: the page being read, in each language of settings.LANGUAGES."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

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
