"""Order pages for officers, PPK, treasurers and MSMEs: each sees only their own."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from marketplace.common.domain import DomainError
from marketplace.common.filters import valid_filters
from procurement.ordering import lifecycle, reorder, selectors, services
from procurement.ordering.forms import OrderFilterForm, ReasonForm, ReceiptForm, VendorOrderFilterForm


def visible_order(request, pk):
    """The order if the user acts for its unit or owns its MSME; 404 for everyone else."""
    unit_order = selectors.orders_visible_to(request.user).filter(pk=pk).first()
    if unit_order is None:
        raise Http404()
    return unit_order


class OrderDetailView(LoginRequiredMixin, View):
    template_name = "ordering/order_detail.html"

    def get(self, request, pk, receipt_form=None, status=200):
        unit_order = selectors.as_shown(visible_order(request, pk))  # a GET writes nothing
        if unit_order.expiry_pending:
            messages.warning(
                request,
                _(
                    "This order was not answered in time and has expired; its budget is released "
                    "at the next scheduled expiry run."
                ),
            )
        shown_lines = selectors.order_lines(unit_order)
        lines = [shown.line for shown in shown_lines]
        moves = services.offered_moves(unit_order=unit_order, actor=request.user)
        can_receive = services.can_move(unit_order=unit_order, action="receive", actor=request.user)
        return render(
            request,
            self.template_name,
            {
                "uo": unit_order,
                "order": unit_order.order,
                "lines": shown_lines,
                "moves": moves,
                "later_moves": services.later_moves(unit_order=unit_order, actor=request.user),
                "can_receive": can_receive,
                "reason_form": ReasonForm(),
                "receipt_form": receipt_form or (ReceiptForm(lines=lines) if can_receive else None),
                "actions": selectors.order_history(unit_order),
                "receipt": getattr(unit_order, "receipt", None),
                "reorder": reorder.reorder_offer(unit_order=unit_order, actor=request.user),
            },
            status=status,
        )


class OrderReorderView(LoginRequiredMixin, View):
    """ "Order again": the order's products into the officer's basket, then the basket."""

    def post(self, request, pk):
        unit_order = visible_order(request, pk)
        try:
            added, gone = reorder.order_reorder(
                unit_order=unit_order, basket=request.basket, officer=request.user
            )
        except reorder.ReorderRefused as exc:
            messages.error(request, exc.message)
            return redirect("ordering:order-detail", pk=pk)
        messages.success(
            request,
            _("%(n)s products of order %(number)s are in your basket at today's prices: choose the delivery.")
            % {"n": added, "number": unit_order.order.number},
        )
        if gone:
            messages.warning(
                request, _("No longer on sale, left out: %(titles)s.") % {"titles": ", ".join(gone)}
            )
        return redirect("basket:summary")


class OrderActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        unit_order = visible_order(request, pk)
        if lifecycle.move(action) not in lifecycle.BUTTONS:
            raise Http404()
        if services.order_expire_if_due(unit_order=unit_order):  # too late for any move now
            messages.warning(
                request, _("The MSME did not answer in time: the order expired and the budget was released.")
            )
            return redirect("ordering:order-detail", pk=pk)
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.order_move(unit_order=unit_order, action=action, actor=request.user, reason=reason)
        except services.NotAllowed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved. Everyone involved has been notified."))
        return redirect("ordering:order-detail", pk=pk)


class OrderReceiveView(OrderDetailView):
    def post(self, request, pk):
        unit_order = visible_order(request, pk)
        form = ReceiptForm(request.POST, lines=unit_order.order.lines.all())
        if not form.is_valid():
            return self.get(request, pk, receipt_form=form, status=400)
        try:
            services.order_receive(
                unit_order=unit_order,
                officer=request.user,
                quantities=form.quantities(),
                notes=form.cleaned_data["notes"],
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:  # not allowed, or the invoice it issues cannot be made
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Receipt (BAST) signed. The received amount is now payable."))
        return redirect("ordering:order-detail", pk=pk)


class UnitOrderListView(LoginRequiredMixin, ListView):
    """The officer's and the unit's order history, with totals per event, month and budget line."""

    template_name = "ordering/order_list.html"
    context_object_name = "orders"
    paginate_by = 25

    def get_queryset(self):
        self.form = OrderFilterForm(self.request.GET or None)
        d = valid_filters(self.request, self.form)
        self.now = timezone.now()
        self.unit_ids = selectors.unit_ids_for(self.request.user)
        self.filters = selectors.OrderFilters(
            status=d.get("status") or "",
            event=d.get("event") or "",
            partner_id=d.get("partner"),
            month=d.get("month"),
            budget_line_id=d.get("budget_line"),
        )
        self.filtered = selectors.filter_orders(
            selectors.unit_orders_for(self.request.user, unit_ids=self.unit_ids), self.filters, now=self.now
        )
        return self.filtered.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["orders"] = ctx["object_list"] = [selectors.as_shown(uo) for uo in ctx["object_list"]]
        params = self.request.GET.copy()
        params.pop("page", None)
        totals = selectors.spending_totals_cached(
            qs=self.filtered, unit_ids=self.unit_ids, filters_key=repr(self.filters), now=self.now
        )
        ctx.update(form=self.form, totals=totals, query_string=params.urlencode())
        return ctx


class VendorOrderListView(LoginRequiredMixin, ListView):
    """Incoming orders of the MSME, by date of delivery; and a day's production list."""

    template_name = "ordering/vendor_orders.html"
    context_object_name = "orders"
    paginate_by = 25

    def get_queryset(self):
        qs = selectors.vendor_orders_for(self.request.user)
        self.filters = valid_filters(self.request, VendorOrderFilterForm(self.request.GET or None))
        self.show = self.filters.get("show") or "open"
        if self.show == "open":
            qs = selectors.shown_status_in(qs, lifecycle.OPEN_STATUSES)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["orders"] = ctx["object_list"] = [selectors.as_shown(uo) for uo in ctx["object_list"]]
        day = self.filters.get("day") or timezone.localdate()
        ctx.update(
            show=self.show, day=day, production=selectors.production_list(user=self.request.user, day=day)
        )
        return ctx
