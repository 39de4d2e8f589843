"""The product page's tags (templates/oscar/catalogue/detail.html).

- `{% product_part "name" product session %}…{% endproduct_part %}`: a part of the page that is
  the same for every visitor (the photo, the title, price and facts, the description), its HTML
  kept in the configured cache under the product's fingerprint
  (marketplace.catalogue.product_page.page_fingerprint: every column the part can show, the
  year's ceiling, the language) and the source of its templates, as the catalogue's cards are
  (`card_cache`). A change gives a new key, so the page shows it at once and nothing needs
  deleting. Nothing per visitor may go inside (the basket form, the CSRF token, the staff link).
- `{% product_crumbs product as crumbs %}`: the breadcrumb's categories without a query.
- `{% recommended_products product as recommended %}`: Oscar's recommendations, asked only when
  the product has some.
- `{% recently_viewed_others product %}`: Oscar's recently-viewed strip, the product shown left
  out before anything is read (no query when it is the only one viewed), its HTML cached under
  what its cards show.
"""

import hashlib

from django import template
from django.core.cache import cache
from django.template.library import InclusionNode
from django.template.loader_tags import IncludeNode
from django.utils import translation
from django.utils.safestring import mark_safe
from oscar.core.loading import get_class

from marketplace.catalogue.product_page import (
    category_crumbs,
    current_ceilings,
    page_fingerprint,
    strip_prefetch,
    strip_products,
)

register = template.Library()

PART_CACHE_PREFIX = "catalogue:page-part:v1"
PART_CACHE_SECONDS = 24 * 3600


def _included_templates(nodelist) -> list[str]:
    """The templates a nodelist includes by a fixed name ({% include "…" %}, inclusion tags)."""
    names = []
    for node in nodelist.get_nodes_by_type(IncludeNode):
        name = getattr(node.template, "var", None)
        if isinstance(name, str):
            names.append(name)
    for node in nodelist.get_nodes_by_type(InclusionNode):
        if isinstance(node.filename, str):
            names.append(node.filename)
    return names


def _template_paths(engine, names) -> list[str]:
    """The files of these templates and of every template they include, and those include, by a
    fixed name ("" for one not found)."""
    paths, seen, names = [], set(), list(names)
    while names:
        name = names.pop(0)
        if name in seen:
            continue
        seen.add(name)
        try:
            found, origin = engine.find_template(name)
        except template.TemplateDoesNotExist:
            paths.append("")
            continue
        paths.append(origin.name)
        names.extend(_included_templates(found.nodelist))
    return paths


def _sources_hash(paths) -> str:
    """A short hash of these files' contents ("0" for one that cannot be read)."""
    digest = hashlib.md5(usedforsecurity=False)
    for path in paths:
        try:
            with open(path, "rb") as fh:
                digest.update(fh.read())
        except OSError:
            digest.update(b"0")
    return digest.hexdigest()[:12]


class ProductPartNode(template.Node):
    def __init__(self, nodelist, name, product, session):
        self.nodelist, self.name, self.product, self.session = nodelist, name, product, session
        self.source_hash = None

    def render(self, context):
        if self.source_hash is None:
            # The page's own template (`origin`, set by Django's parser) and every template the
            # part includes: a deploy that changes any of them never serves old HTML.
            engine = context.template.engine
            paths = [self.origin.name, *_template_paths(engine, _included_templates(self.nodelist))]
            self.source_hash = _sources_hash(paths)
        product = self.product.resolve(context)
        session = self.session.resolve(context)
        fingerprint = getattr(product, "_page_fingerprint", None)
        if fingerprint is None:
            fingerprint = product._page_fingerprint = page_fingerprint(product, session, current_ceilings())
        key = f"{PART_CACHE_PREFIX}:{self.name}:{self.source_hash}:{product.pk}:{fingerprint}"
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, PART_CACHE_SECONDS)
        return mark_safe(html)  # the nodelist's own output, escaped when it was rendered


@register.tag("product_part")
def product_part(parser, token):
    """`{% product_part "name" product session %}…{% endproduct_part %}` (`session`: the
    product's `purchase_info_for_product`)."""
    bits = token.split_contents()
    if len(bits) != 4 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(
            "product_part takes a quoted name, a product and its purchase info"
        )
    nodelist = parser.parse(("endproduct_part",))
    parser.delete_first_token()
    return ProductPartNode(
        nodelist, bits[1][1:-1], parser.compile_filter(bits[2]), parser.compile_filter(bits[3])
    )


@register.simple_tag(name="product_crumbs")
def product_crumbs(product) -> list[dict]:
    return category_crumbs(product)


@register.simple_tag(name="recommended_products")
def recommended_products(product, limit=6) -> list:
    """Oscar's `sorted_recommended_products` (the first `limit`), not asked when the page's
    query found none."""
    if getattr(product, "page_has_recommendations", None) is False:
        return []
    return product.sorted_recommended_products[:limit]


STRIP_TEMPLATE = "oscar/customer/history/recently_viewed_products.html"
CARD_TEMPLATE = "oscar/catalogue/partials/product.html"  # Oscar's render_product, for every class
STRIP_SHOWN = 6  # Oscar's strip shows the six latest
STRIP_CACHE_PREFIX = "catalogue:viewed-strip:v1"


@register.simple_tag(takes_context=True)
def recently_viewed_others(context, product):
    """Oscar's `recently_viewed_products current_product=product` (its template, the six latest
    products still on show), the product shown left out before anything is read.

    The strip is the same for everyone who viewed the same products, so its HTML is cached under
    a hash of what its cards show (`product_page.strip_products`, one query), this year's
    ceilings (their badges), the language and the templates' sources; only when that changed
    are their photos and stock records loaded (two queries, as Oscar's strip took three) and
    their cards rendered."""
    request = context["request"]
    manager = get_class("customer.history", "CustomerHistoryManager")
    ids = [pk for pk in manager.viewed_ids(request) if pk != product.pk]
    if not ids:
        return ""
    products, rows = strip_products(ids)
    shown = [pk for pk in ids if pk in rows][:STRIP_SHOWN]
    if not shown:
        return ""
    engine = context.template.engine
    strip = engine.get_template(STRIP_TEMPLATE)
    sources = getattr(strip, "_gulo_sources_hash", None)
    if sources is None:  # once per compiled template (a template change compiles it again)
        sources = strip._gulo_sources_hash = _sources_hash(
            _template_paths(engine, [STRIP_TEMPLATE, CARD_TEMPLATE])
        )
    ceilings = sorted((kind, c.pk, c.max_price_idr) for kind, c in current_ceilings().items())
    parts = [translation.get_language() or "", sources, ceilings, [(pk, rows[pk]) for pk in shown]]
    key = f"{STRIP_CACHE_PREFIX}:{hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()}"
    html = cache.get(key)
    if html is None:
        cards = [products[pk] for pk in shown]
        strip_prefetch(cards)
        # As Oscar's inclusion tag renders it, a new context of these values; without the
        # visitor's CSRF token, which must never be cached (the strip has no form).
        html = strip.render(context.new({"products": cards, "request": request}))
        cache.set(key, html, PART_CACHE_SECONDS)
    return mark_safe(html)  # the template's own output, escaped when it was rendered
