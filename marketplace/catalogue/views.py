"""Catalogue browsing and search served from the database instead of haystack."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model

from marketplace.catalogue.forms import ListingForm
from marketplace.catalogue.product_page import product_page_queryset
from marketplace.catalogue.selectors import (
    ListingFilters,
    category_ids,
    default_sort,
    product_cards,
    product_search,
    search_suggestions,
)
from marketplace.common.filters import valid_filters
from marketplace.common.pagination import CappedCountPaginator

Category = get_model("catalogue", "Category")


class CatalogueView(ListView):
    """All products of verified MSMEs, narrowed by search text and filters."""

    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"
    paginate_by = 24
    paginator_class = CappedCountPaginator
    count_cap = 1000  # results counted beyond the page's start; past it: "more than …"
    categories = None

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            page_number=self.request.GET.get(self.page_kwarg, 1),
            cap=self.count_cap,
            rows=product_cards,
            **kwargs,
        )

    def get_queryset(self):
        self.form = ListingForm(self.request.GET or None)
        data = valid_filters(self.request, self.form)
        query = (data.get("q") or "").strip()
        self.query = query
        self.sort = data.get("sort") or default_sort(self.request.user, query)
        kecamatan = data.get("kecamatan")
        return product_search(
            ListingFilters(
                query=query,
                categories=self.categories,
                kind=data.get("kind") or "",
                kecamatan_id=kecamatan.pk if kecamatan else None,
                price_min=data.get("price_min"),
                price_max=data.get("price_max"),
                halal_only=bool(data.get("halal")),
                quantity=data.get("quantity"),
                available_on=data.get("available_on"),
                sort=self.sort,
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(
            form=self.form,
            query=self.query,
            sort=self.sort,
            query_string=params.urlencode(),
            summary=_("Search results for “%s”") % self.query if self.query else _("All products"),
        )
        if self.query and not ctx["paginator"].count:
            # Nothing found: the nearest categories instead of an empty page.
            ctx["suggestions"], ctx["suggestions_near"] = search_suggestions(self.query)
        return ctx


class ProductCategoryView(CatalogueView):
    """Products in one category and its descendants."""

    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404()
        expected = self.category.get_absolute_url()
        if request.path != expected:
            return HttpResponsePermanentRedirect(expected)
        self.categories = category_ids(self.category)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["category"] = self.category
        ctx["summary"] = self.category.name
        return ctx


class ProductDetailView(OscarProductDetailView):
    """Oscar's product page; hidden when the product's MSME no longer sells.

    The product comes with everything the page shows in three queries
    (marketplace.catalogue.product_page); the parts the same for every visitor are cached by the
    template (`{% product_part %}`)."""

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        return super().get_object(product_page_queryset())

    def is_viewable(self, product, request):
        selling = any(sr.partner.is_active for sr in product.stockrecords.all())
        return super().is_viewable(product, request) and (selling or request.user.is_staff)

    def get_context_data(self, **kwargs):
        # Oscar's own (skipped) asks whether the visitor has a stock alert (a query for every
        # signed-in visitor) and builds the alert form on every page; only a product that cannot
        # be bought shows them, so the template calls these when it does.
        ctx = super(OscarProductDetailView, self).get_context_data(**kwargs)
        ctx["alert_form"] = self.get_alert_form
        ctx["has_active_alert"] = self.get_alert_status
        return ctx
