"""What a catalogue card says beside the photo: the seller's name fit for the public, the notice
an order needs ("pesan H-2")."""

import hashlib
import math
import re

from django import template
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()

MASK_CHAR = "•"
# Sixteen or more digits in a row (a NIK, perhaps typed with spaces, dots or dashes between the
# digits): an owner who typed the NIK into the business name must not see it published.
_NIK_LIKE = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){15,}(?!\d)")


def _mask(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) == 16:  # the shape vendors.validators.mask_nik gives a NIK: 3374••••••••0001
        return digits[:4] + MASK_CHAR * 8 + digits[-4:]
    return MASK_CHAR * len(digits)


def mask_nik_runs(text) -> str:
    """`text` with every run of 16 or more digits (a NIK) masked, first and last four digits kept
    for a run of exactly 16."""
    return _NIK_LIKE.sub(_mask, str(text or ""))


@register.filter(name="public_name")
def public_name(name) -> str:
    """A business name as the public may read it: no NIK in it (the filter escapes as usual)."""
    return mask_nik_runs(name)


@register.filter(name="lead_time")
def lead_time(hours) -> str:
    """The notice an order needs, the way Indonesian kitchens say it: "pesan H-2" (two days
    before), "pesan 6 jam sebelumnya", or "pesan hari-H"."""
    hours = int(hours or 0)
    if hours <= 0:
        return gettext("order on the day")
    if hours < 24:
        return ngettext("order %(hours)s hour ahead", "order %(hours)s hours ahead", hours) % {"hours": hours}
    days = math.ceil(hours / 24)
    return ngettext("order %(days)s day ahead", "order %(days)s days ahead", days) % {"days": days}


# --- The card's cache ------------------------------------------------------------------------
# A listing page renders 24 cards; rendering them was most of its time (issue 19). A card shows
# only what the product, its stock record, its photo and its partner say, the same for every
# visitor, so `{% card_cache product session %}…{% endcard_cache %}` keeps the rendered HTML in
# the configured cache (Redis when REDIS_URL is set, local memory otherwise), keyed by the
# product's id and a fingerprint of everything the card reads: a change to the price, the title,
# the photo, the partner's name or kecamatan (or anything else saved on the product: its
# date_updated) gives a new key, so nothing needs deleting. The fingerprint also holds the
# language and the card template's own source, so a new deploy or a language switch never
# serves old HTML. The SSH badge reads the year's price ceilings: it stays outside the cached part.

CARD_CACHE_PREFIX = "catalogue:card:v1"
CARD_CACHE_SECONDS = 24 * 3600


def card_fingerprint(product, session) -> str:
    """What a product's card shows, as a short hash: it changes whenever the card would."""
    record = getattr(session, "stockrecord", None)
    partner = getattr(record, "partner", None) if record else None
    kecamatan = getattr(partner, "kecamatan", None) if partner else None
    price = getattr(session, "price", None)
    parts = [
        translation.get_language() or "",
        product.pk,
        product.date_updated.isoformat() if product.date_updated else "",
        product.title,
        product.slug,
        product.sale_unit,
        product.min_order_qty,
        product.lead_time_hours,
        product.is_halal,
        [(image.pk, image.original.name, image.display_order) for image in product.images.all()],
        record.pk if record else None,
        record.date_updated.isoformat() if record and record.date_updated else "",
        str(price.excl_tax) if price is not None and price.exists else None,
        partner.pk if partner else None,
        partner.name if partner else None,
        partner.is_active if partner else None,
        kecamatan.name if kecamatan else None,
    ]
    return hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()


class CardCacheNode(template.Node):
    def __init__(self, nodelist, product, session, source_hash):
        self.nodelist, self.product, self.session, self.source_hash = nodelist, product, session, source_hash

    def render(self, context):
        product = self.product.resolve(context)
        session = self.session.resolve(context)
        key = f"{CARD_CACHE_PREFIX}:{self.source_hash}:{product.pk}:{card_fingerprint(product, session)}"
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, CARD_CACHE_SECONDS)
        return mark_safe(html)  # the nodelist's own output, escaped when it was rendered


@register.tag("card_cache")
def card_cache(parser, token):
    """`{% card_cache product session %}…{% endcard_cache %}`: the enclosed card HTML, cached by
    the product's fingerprint (`session` is `purchase_info_for_product`'s result)."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError("card_cache takes a product and its purchase info")
    nodelist = parser.parse(("endcard_cache",))
    parser.delete_first_token()
    source = getattr(getattr(parser, "origin", None), "name", "") or ""
    try:
        with open(source, "rb") as fh:
            source_hash = hashlib.md5(fh.read(), usedforsecurity=False).hexdigest()[:12]
    except OSError:
        source_hash = "0"
    product, session = parser.compile_filter(bits[1]), parser.compile_filter(bits[2])
    return CardCacheNode(nodelist, product, session, source_hash)
