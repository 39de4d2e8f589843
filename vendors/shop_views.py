"""The MSME's own shop: its products, capacity and closed days. Only its own."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from oscar.core.loading import get_model

from marketplace.catalogue import services as catalogue_services
from marketplace.catalogue.selectors import partner_products
from marketplace.partner.services import ScheduleRefused, partner_schedule_update
from vendors import selectors
from vendors.models import Vendor
from vendors.shop_forms import ProductForm, ScheduleForm
from vendors.uploads import IMAGE_KINDS, UploadRejected, sanitise_upload

Product = get_model("catalogue", "Product")


class ShopMixin(LoginRequiredMixin):
    """Only the owner of an MSME that has been approved (and so has a partner) gets here."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.vendor = selectors.vendor_of(request.user)
        if self.vendor is None or self.vendor.partner is None:
            messages.info(request, _("Your MSME must be verified before you can list products."))
            return redirect("vendors:status" if self.vendor else "vendors:register")
        self.partner = self.vendor.partner
        return super().dispatch(request, *args, **kwargs)

    def get_product(self, pk):
        product = partner_products(partner=self.partner).filter(pk=pk).first()
        if product is None:
            raise Http404()  # another MSME's product, or none: the same answer
        return product


class ShopProductListView(ShopMixin, View):
    paginate_by = 24

    def get(self, request):
        page = Paginator(partner_products(partner=self.partner), self.paginate_by).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "vendors/shop_products.html",
            {
                "vendor": self.vendor,
                "products": page.object_list,
                "page_obj": page,
                "paginator": page.paginator,
                "query_string": "",
                "suspended": self.vendor.status == Vendor.Status.SUSPENDED,
            },
        )


class ShopProductEditView(ShopMixin, View):
    template_name = "vendors/shop_product_form.html"

    def get(self, request, pk=None):
        product = self.get_product(pk) if pk else None
        initial = (
            {"price_idr": int(product.stockrecords.all()[0].price)}
            if product
            else {"lead_time_hours": 24, "min_order_qty": 1}
        )
        return self.render(ProductForm(instance=product, initial=initial), product)

    def render(self, form, product, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "product": product, "vendor": self.vendor},
            status=status,
        )

    def post(self, request, pk=None):
        product = self.get_product(pk) if pk else None
        form = ProductForm(request.POST, request.FILES, instance=product)
        if not form.is_valid():
            return self.render(form, product, status=400)
        photo = ext = None
        if form.cleaned_data.get("photo"):
            try:
                clean = sanitise_upload(form.cleaned_data["photo"], allowed=IMAGE_KINDS)
            except UploadRejected as exc:
                form.add_error("photo", exc.messages)
                return self.render(form, product, status=400)
            photo, ext = clean.content, clean.extension
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("photo", "price_idr")}
        if product is None:
            product = catalogue_services.product_create(
                partner=self.partner,
                data=data,
                price_idr=form.cleaned_data["price_idr"],
                photo=photo,
                photo_ext=ext or "jpg",
            )
            messages.success(request, _("Product added: %s") % product.title)
        else:
            # The form already wrote the fields onto `product`; the service checks ownership and saves.
            catalogue_services.product_update(
                partner=self.partner,
                product=product,
                data=data,
                price_idr=form.cleaned_data["price_idr"],
                photo=photo,
                photo_ext=ext or "jpg",
            )
            messages.success(request, _("Product saved: %s") % product.title)
        return redirect("vendors:shop-products")


class ShopProductPauseView(ShopMixin, View):
    def post(self, request, pk):
        product = self.get_product(pk)
        paused = request.POST.get("paused") == "1"
        catalogue_services.product_pause(partner=self.partner, product=product, paused=paused)
        messages.success(request, (_("Paused: %s") if paused else _("On sale again: %s")) % product.title)
        return redirect("vendors:shop-products")


class ShopProductDeleteView(ShopMixin, View):
    def get(self, request, pk):
        return render(request, "vendors/shop_product_delete.html", {"product": self.get_product(pk)})

    def post(self, request, pk):
        product = self.get_product(pk)
        title = product.title
        catalogue_services.product_delete(partner=self.partner, product=product)
        messages.success(request, _("Deleted: %s") % title)
        return redirect("vendors:shop-products")


class ShopScheduleView(ShopMixin, View):
    template_name = "vendors/shop_schedule.html"

    def form(self, data=None):
        today = timezone.localdate()
        upcoming = list(self.partner.closed_days.filter(date__gte=today).values_list("date", flat=True))
        initial = {
            "daily_capacity": self.partner.daily_capacity,
            "closed_weekdays": list(self.partner.closed_weekdays),
        }
        return ScheduleForm(data, initial=initial, upcoming=upcoming, today=today)

    def render(self, form, status=200):
        return render(
            request=self.request,
            template_name=self.template_name,
            context={"form": form, "vendor": self.vendor},
            status=status,
        )

    def get(self, request):
        return self.render(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            partner_schedule_update(
                partner=self.partner,
                daily_capacity=form.cleaned_data["daily_capacity"],
                closed_weekdays=[int(d) for d in form.cleaned_data["closed_weekdays"]],
                closed_days=form.closed_days,
            )
        except ScheduleRefused as exc:  # e.g. midnight passed since the form was checked
            form.add_error(None, exc.message)
            return self.render(form, status=400)
        messages.success(request, _("Capacity and closed days saved."))
        return redirect("vendors:shop-schedule")
