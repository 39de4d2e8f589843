"""Text that users type, made safe for HTML pages.

Two kinds of stored text reach a page as HTML:

- A product description may be plain text (what an MSME types in its phone form) or HTML (what
  staff write in Oscar's dashboard editor). `rich_text` shows plain text escaped with its line
  breaks kept, and HTML through an allow-list sanitiser (nh3): formatting and links stay,
  scripts, event attributes, `javascript:` links, styles and images go.
- An Oscar notification body is HTML (Oscar's pages print it). `text_as_html` turns the plain
  text of a message into that HTML, escaping every character; `sanitise_html` cleans a stored
  body (old ones were plain strings with whatever a user typed) before it is shown.
"""

import re

import nh3
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "i",
    "li",
    "ol",
    "p",
    "small",
    "strong",
    "sub",
    "sup",
    "u",
    "ul",
}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "nofollow noopener noreferrer"

# A tag, comment or doctype starts here: "<b", "</p", "<!--". "< 5 porsi" and "<5" do not.
_MARKUP = re.compile(r"<[A-Za-z!/?]")


def looks_like_html(value: str) -> bool:
    return bool(_MARKUP.search(value or ""))


def clean_html(value: str) -> str:
    """HTML with only the allowed tags and attributes left (a plain string, for storing)."""
    return nh3.clean(
        str(value or ""), tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL
    )


def sanitise_html(value) -> SafeString:
    """Stored HTML, cleaned, ready to print in a page."""
    return mark_safe(clean_html(value))  # noqa: S308 (nh3 output holds only allowed markup)


def clean_rich_text(value: str) -> str:
    """What to store for a description: plain text as typed, HTML cleaned."""
    return clean_html(value) if looks_like_html(value) else (value or "")


def rich_text(value) -> SafeString:
    """A description for a page: plain text escaped (paragraphs and line breaks kept),
    HTML sanitised."""
    value = str(value or "")
    if looks_like_html(value):
        return sanitise_html(value)
    return mark_safe(linebreaks(escape(value)))  # noqa: S308 (escaped above)


def text_as_html(text: str) -> SafeString:
    """Plain text (a message built from user input) as HTML: every character escaped, links made
    of http(s) addresses, line breaks kept."""
    # A plain str even when given a SafeString (render_to_string returns one, also for a text
    # template with autoescape off): urlize escapes only text it is not told is safe.
    plain = "".join(str(text or ""))
    linked = urlize(plain, nofollow=True, autoescape=True)
    return mark_safe(linked.replace("\n", "<br>\n"))  # noqa: S308 (urlize escaped every character)
