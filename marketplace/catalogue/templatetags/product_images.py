from django import template
from django.conf import settings
from django.templatetags.static import static

from marketplace.catalogue.images import SIZES, thumbnail_url

register = template.Library()


@register.inclusion_tag("catalogue/partials/product_image.html")
def product_image(product, size="card", css_class=""):
    """The product's first photo at a page size, lazy-loaded with its dimensions (no extra query
    when images are prefetched)."""
    images = list(product.images.all())
    width, height = SIZES[size]
    if images and images[0].original:
        url = thumbnail_url(images[0].original.name, size)
    else:
        url = static("oscar/img/image_not_found.jpg")
    return {
        "url": url,
        "width": width,
        "height": height,
        "alt": product.get_title(),
        "css_class": css_class,
        "MEDIA_URL": settings.MEDIA_URL,
    }
