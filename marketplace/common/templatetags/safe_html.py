"""Filters that print user-typed text in a page without letting it run: see marketplace.common.html."""

from django import template

from marketplace.common import html

register = template.Library()


@register.filter(name="rich_text", is_safe=True)
def rich_text(value):
    """A description: plain text escaped with its line breaks, HTML through the allow-list."""
    return html.rich_text(value)


@register.filter(name="sanitise_html", is_safe=True)
def sanitise_html(value):
    """Stored HTML (a notification body) with only the allowed tags and attributes."""
    return html.sanitise_html(value)
