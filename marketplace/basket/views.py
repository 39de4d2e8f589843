from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from oscar.apps.basket.views import *  # noqa: F403
from oscar.apps.basket.views import BasketView as OscarBasketView


class BasketView(OscarBasketView):
    """Oscar's basket page; a POST whose management form is missing, incomplete or garbled
    changes nothing and says so (Oscar's own view answers some of them with a 500: it reads
    `form-MIN_NUM_FORMS` unchecked)."""

    def get_basket_voucher_form(self):
        """No voucher or promo codes: units order against a budget line at the listed price."""
        return None

    def formset_valid(self, formset):
        if not self.management_form_sound(formset):
            return self.refuse()
        return super().formset_valid(formset)

    def formset_invalid(self, formset):
        if not self.management_form_sound(formset):
            return self.refuse()
        return super().formset_invalid(formset)

    @staticmethod
    def management_form_sound(formset) -> bool:
        """All four counts sent, as the page sends them, and possible ones."""
        management = formset.management_form
        names = [management.add_prefix(name) for name in management.fields]
        if not all(name in formset.data for name in names) or not management.is_valid():
            return False
        total, initial = (management.cleaned_data[k] for k in ("TOTAL_FORMS", "INITIAL_FORMS"))
        return 0 <= initial <= total <= formset.absolute_max

    def refuse(self):
        messages.error(
            self.request,
            _("Your basket was not changed: the form was incomplete. Change the quantities again."),
        )
        return redirect("basket:summary")


class BasketEmptyView(View):
    """Remove every line of the current basket (to start an order with another MSME)."""

    def post(self, request):
        if request.basket.id:
            request.basket.flush()
            messages.success(request, _("Your basket is empty."))
        return redirect("basket:summary")
