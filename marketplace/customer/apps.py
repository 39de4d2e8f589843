import oscar.apps.customer.apps as apps
from django.contrib.auth.decorators import login_required
from django.urls import path
from oscar.core.loading import get_class


class CustomerConfig(apps.CustomerConfig):
    """Oscar's account pages, with two changes (marketplace.accounts.services holds the rules):

    - the profile form has no e-mail field: an address changes only through allauth's e-mail
      page (`account_email`), which verifies the new one before it replaces the old;
    - deleting the profile is refused while rows that must be kept (an MSME, orders, the
      procurement history) point at the user; the account can be deactivated instead.
    """

    name = "marketplace.customer"

    def ready(self):
        super().ready()
        self.profile_deactivate_view = get_class("customer.views", "ProfileDeactivateView")

    def get_urls(self):
        return super().get_urls() + self.post_process_urls(
            [
                path(
                    "profile/deactivate/",
                    login_required(self.profile_deactivate_view.as_view()),
                    name="profile-deactivate",
                )
            ]
        )
