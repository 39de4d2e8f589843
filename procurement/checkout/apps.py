import oscar.apps.checkout.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    """Oscar's checkout, replaced for officers by one page: the event and the budget line.

    Shipping (delivery to the venue, included in the price) and payment (against the
    budget, paid later by the treasurer) need no steps of their own."""

    name = "procurement.checkout"

    def ready(self):
        super().ready()
        self.event_view = get_class("checkout.views", "EventCheckoutView")
        self.delivery_view = get_class("checkout.views", "DeliveryChooseView")

    def get_urls(self):
        urls = [
            path("", self.event_view.as_view(), name="index"),
            path("thank-you/", self.thankyou_view.as_view(), name="thank-you"),
            path("delivery/", self.delivery_view.as_view(), name="delivery-choose"),
        ]
        return self.post_process_urls(urls)
