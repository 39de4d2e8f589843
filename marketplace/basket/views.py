from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from oscar.apps.basket.views import *  # noqa: F403


class BasketEmptyView(View):
    """Remove every line of the current basket (to start an order with another MSME)."""

    def post(self, request):
        if request.basket.id:
            request.basket.flush()
            messages.success(request, _("Your basket is empty."))
        return redirect("basket:summary")
