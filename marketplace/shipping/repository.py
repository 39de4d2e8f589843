from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping import methods, repository


class DeliveryIncluded(methods.Free):
    """Catering is delivered to the buyer's address; delivery is part of the price."""

    code = "delivery-included"
    name = _("Delivered to your address (included in the price)")


class Repository(repository.Repository):
    methods = (DeliveryIncluded(),)
