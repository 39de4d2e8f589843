"""Budget pages: the lines a person may see with their ledger; DPA import and pagu for Admin."""

import csv

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from marketplace.common.filters import valid_filters
from marketplace.common.money import format_rupiah
from procurement.budgets.forms import BudgetImportForm, LineFilterForm, PaguForm
from procurement.budgets.models import BudgetLine, LedgerEntry
from procurement.budgets.selectors import lines_readable_by, lines_totals, lines_visible_to
from procurement.budgets.services import (
    IMPORT_COLUMNS,
    BudgetError,
    budget_line_set_pagu,
    budget_lines_import,
)

MANAGE = "accounts.manage_reference_data"


class BudgetLineListView(LoginRequiredMixin, View):
    """The lines of the user's units (all lines for Admin) with totals, by fiscal year."""

    template_name = "budgets/line_list.html"
    paginate_by = 50

    def get(self, request):
        lines = lines_readable_by(user=request.user)
        years = sorted(set(lines.order_by().values_list("fiscal_year", flat=True)), reverse=True)
        units = sorted(set(lines.order_by().values_list("unit_id", "unit__short_name")), key=lambda u: u[1])
        data = request.GET.copy()
        if "year" not in data and years:
            data["year"] = str(years[0])  # the latest year unless the person asks for another
        form = LineFilterForm(data, years=years, units=units)
        chosen = valid_filters(request, form)
        if chosen.get("year"):
            lines = lines.filter(fiscal_year=chosen["year"])
        if chosen.get("unit"):
            lines = lines.filter(unit_id=chosen["unit"])
        totals = lines_totals(lines)
        page = Paginator(lines, self.paginate_by).get_page(request.GET.get("page"))
        params = data.copy()
        params.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "show_unit_filter": len(units) > 1,
                "page_obj": page,
                "lines": page.object_list,
                "totals": totals,
                "query_string": params.urlencode(),
                "can_manage": request.user.has_perm(MANAGE),
            },
        )


class BudgetLineDetailView(LoginRequiredMixin, View):
    """One line: pagu, committed, realized, available and its ledger, newest first."""

    template_name = "budgets/line_detail.html"
    paginate_by = 25

    def get(self, request, pk):
        line = get_object_or_404(lines_readable_by(user=request.user), pk=pk)
        ledger = (
            LedgerEntry.objects.filter(line=line)
            .select_related("order__unit_order", "actor")
            .order_by("-created_at", "-pk")
        )
        page = Paginator(ledger, self.paginate_by).get_page(request.GET.get("page"))
        can_manage = request.user.has_perm(MANAGE)
        # Order pages open for the unit's own people; Admin sees the number without a dead link.
        is_member = not can_manage or lines_visible_to(user=request.user).filter(pk=line.pk).exists()
        return render(
            request,
            self.template_name,
            {
                "line": line,
                "page_obj": page,
                "entries": page.object_list,
                "can_manage": can_manage,
                "link_orders": is_member,
            },
        )


class BudgetImportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Admin uploads the DPA as CSV: all rows are imported, or none and every rejected row is listed."""

    permission_required = MANAGE
    template_name = "budgets/line_import.html"

    def render(self, form, report=None, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "report": report, "columns": IMPORT_COLUMNS},
            status=status,
        )

    def get(self, request):
        return self.render(BudgetImportForm())

    def post(self, request):
        form = BudgetImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            report = budget_lines_import(text=form.text())
        except csv.Error as exc:
            form.add_error("file", _("The file could not be read as CSV: %(error)s") % {"error": exc})
            return self.render(form, status=400)
        if not report.ok:
            return self.render(BudgetImportForm(), report=report, status=400)
        messages.success(
            request,
            _("Budget lines imported: %(created)s new, %(updated)s updated.")
            % {"created": report.created, "updated": report.updated},
        )
        return redirect("budgets:line-list")


class BudgetLinePaguView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Admin changes a line's pagu; never below what is already committed and realized."""

    permission_required = MANAGE
    template_name = "budgets/line_pagu.html"

    def render(self, line, form, status=200):
        return render(self.request, self.template_name, {"line": line, "form": form}, status=status)

    def line(self, pk):
        return get_object_or_404(BudgetLine.objects.select_related("unit", "account"), pk=pk)

    def get(self, request, pk):
        line = self.line(pk)
        return self.render(line, PaguForm(initial={"pagu_idr": line.pagu_idr}))

    def post(self, request, pk):
        line = self.line(pk)
        form = PaguForm(request.POST)
        if not form.is_valid():
            return self.render(line, form, status=400)
        try:
            line = budget_line_set_pagu(line=line, pagu_idr=form.cleaned_data["pagu_idr"])
        except BudgetError as exc:
            form.add_error("pagu_idr", exc.message)
            return self.render(line, form, status=400)
        messages.success(request, _("The pagu is now %(pagu)s.") % {"pagu": format_rupiah(line.pagu_idr)})
        return redirect("budgets:line-detail", pk=line.pk)
