from django import template
from django.utils.safestring import mark_safe

from ..interchange.sanitize import plain_text, summary_html

register = template.Library()


@register.filter
def rich_text(text):
    """A curated text as safe HTML: plain text escaped into paragraphs, HTML sanitised."""
    return mark_safe(summary_html(text))


@register.filter
def plain(text):
    """A curated text without any markup, script contents included (for meta tags)."""
    return plain_text(text)
