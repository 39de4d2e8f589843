import oscar.apps.basket.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class BasketConfig(apps.BasketConfig):
    name = "marketplace.basket"

    def get_urls(self):
        empty_view = get_class("basket.views", "BasketEmptyView")
        return super().get_urls() + self.post_process_urls(
            [path("empty/", empty_view.as_view(), name="empty")]
        )
