"""The category menu of every page (the header's dropdown, the listing's side column), cached.

Oscar's `category_tree` reads the tree with two queries and builds every category's address on
each page; the categories change a few times a year. `{% category_menu depth=1 as tree %}` gives
the same entries (name, pk, url, has_children, num_to_close, level; `get_absolute_url` too) from
the configured cache, under a version that `categories_changed` (connected to every save and
delete of a category in marketplace.catalogue.apps) replaces.
"""

import uuid

from django import template
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from oscar.templatetags.category_tags import get_annotated_list

register = template.Library()

MENU_VERSION_KEY = "catalogue:category-menu:version"
MENU_CACHE_SECONDS = 3600  # a change made without signals (a raw SQL move) shows within the hour


def _menu_version_bump() -> None:
    cache.set(MENU_VERSION_KEY, uuid.uuid4().hex, None)


def categories_changed(**kwargs) -> None:
    """Forget every cached category menu (post_save / post_delete of a category): at once, and
    again when the transaction commits, so a menu another request read before the commit is
    not kept."""
    _menu_version_bump()
    transaction.on_commit(_menu_version_bump, using=kwargs.get("using"))


def menu_version() -> str:
    """The current version of the cached category tree (the menu, the product page's breadcrumb)."""
    version = cache.get(MENU_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(MENU_VERSION_KEY, version, None)
        version = cache.get(MENU_VERSION_KEY, version)
    return version


def _entry(info) -> dict:
    return {
        "pk": info.pk,
        "name": info.category.name,
        "url": info["url"],
        "get_absolute_url": info["url"],
        "has_children": info.get("has_children", False),
        "num_to_close": list(info.get("num_to_close", [])),
        "level": info.get("level", 0),
    }


@register.simple_tag(name="category_menu")
def category_menu(depth=None) -> list[dict]:
    """Oscar's category tree (public categories shown in menus), from the cache."""
    key = f"catalogue:category-menu:{menu_version()}:{translation.get_language()}:{depth}"
    entries = cache.get(key)
    if entries is None:
        entries = [_entry(info) for info in get_annotated_list(depth=depth)]
        cache.set(key, entries, MENU_CACHE_SECONDS)
    return entries
