"""Catalogue browsing served from the database instead of haystack."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.catalogue.views import ProductDetailView  # noqa: F401  (re-exported for get_class)
from oscar.core.loading import get_model

from marketplace.catalogue.selectors import product_listing

Category = get_model("catalogue", "Category")


class CatalogueView(ListView):
    """All products of verified MSMEs, optionally narrowed by a search text `q`."""

    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"
    paginate_by = 24

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:100]
        return product_listing(query=self.query)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["query"] = self.query
        ctx["summary"] = _("Search results for “%s”") % self.query if self.query else _("All products")
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
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.query = ""
        return product_listing(categories=self.category.get_descendants_and_self())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["category"] = self.category
        ctx["summary"] = self.category.name
        return ctx
