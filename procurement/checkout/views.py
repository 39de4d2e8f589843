"""Officer checkout: event details and a budget line, then the order is placed."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from oscar.apps.checkout.views import ThankYouView  # noqa: F401  (re-exported for get_class)

from marketplace.basket.selectors import basket_partner
from marketplace.common.money import format_rupiah
from procurement.budgets.selectors import food_lines_for
from procurement.checkout.delivery import delivery_choose, delivery_chosen
from procurement.checkout.forms import DeliveryChoiceForm, EventCheckoutForm
from procurement.ordering import services


class EventCheckoutView(LoginRequiredMixin, View):
    template_name = "oscar/checkout/event.html"
    FIELD_PROBLEMS = {"outside_fiscal_year": "starts_at"}  # OrderRefused codes shown at a field

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("accounts.place_orders"):
            messages.error(request, _("Only officers of a government unit can order."))
            return redirect("basket:summary")
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        return EventCheckoutForm(
            data,
            budget_lines=food_lines_for(user=self.request.user),
            initial={
                "contact_name": self.request.user.get_full_name(),
                "starts_at": delivery_chosen(self.request.session),
            },
        )

    def render(self, form, problems=(), status=200):
        basket = self.request.basket
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "basket": basket,
                "problems": problems,
                "partner": basket_partner(basket),
            },
            status=status,
        )

    def get(self, request):
        if request.basket.is_empty:
            messages.info(request, _("Your basket is empty."))
            return redirect("basket:summary")
        return self.render(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        d = form.cleaned_data
        event = services.EventData(
            name=d["name"],
            starts_at=d["starts_at"],
            venue=d["venue"],
            participants=d["participants"],
            contact_name=d["contact_name"],
            contact_phone=d["contact_phone"],
        )
        try:
            unit_order = services.order_place(
                officer=request.user, basket=request.basket, event=event, budget_line=d["budget_line"]
            )
        except services.OrderRefused as exc:
            # A problem of one field is shown at that field; the rest above the form.
            problems = []
            for problem in exc.problems:
                if problem.code in self.FIELD_PROBLEMS:
                    form.add_error(self.FIELD_PROBLEMS[problem.code], problem.message)
                else:
                    problems.append(problem)
            return self.render(form, problems=problems, status=400)
        delivery_choose(request.session, None)
        messages.success(
            request,
            _("Order %(number)s placed and %(total)s committed on the budget line.")
            % {"number": unit_order.order.number, "total": format_rupiah(unit_order.total_idr)},
        )
        return redirect("ordering:order-detail", pk=unit_order.pk)


class DeliveryChooseView(View):
    """The basket page's "when is it delivered?": kept in the session, so the basket page checks
    lead times, closed days and capacity for that moment and checkout starts with it."""

    def post(self, request):
        form = DeliveryChoiceForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("delivery_at", []):
                messages.error(request, error)
            return redirect("basket:summary")
        delivery_choose(request.session, form.cleaned_data["delivery_at"])
        return redirect("basket:summary")
