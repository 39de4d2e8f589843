"""MSME pages: registration, status, documents, verification queue, public page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from marketplace.catalogue.selectors import ListingFilters, product_cards, product_search
from marketplace.common.filters import valid_filters
from marketplace.common.pagination import CappedCountPaginator
from vendors import selectors, services
from vendors.census.selectors import census_prefill_for
from vendors.forms import (
    PROBLEM_STEPS,
    STEP_SLUGS,
    STEPS,
    DecisionForm,
    DocumentsForm,
    QueueFilterForm,
    add_service_errors,
    step_fields,
)
from vendors.models import Vendor, VendorDecision, VendorDocument
from vendors.validators import mask_nik, nik_issued_in_city

LOCKED = (Vendor.Status.SUBMITTED, Vendor.Status.REJECTED)
PROFILE_EDIT = (Vendor.Status.APPROVED, Vendor.Status.SUSPENDED)


def _saved_key(request_decision) -> str:
    return f"registration-saved-{request_decision.pk}"


def saved_since_request(request, vendor) -> list[str]:
    """The steps this owner saved since the verifier's request for changes (kept in the session:
    a step saved again counts as looked at)."""
    if vendor.pk is None or vendor.status != Vendor.Status.CHANGES_REQUESTED:
        return []
    decision = selectors.latest_changes_request(vendor)
    return list(request.session.get(_saved_key(decision), [])) if decision else []


def step_states(request, vendor) -> list[selectors.StepState]:
    return selectors.registration_steps(
        vendor,
        steps=step_fields(),
        problem_steps=PROBLEM_STEPS,
        saved_since_request=saved_since_request(request, vendor),
    )


def continue_step(request, vendor) -> str:
    """Where "Continue registration" leads: the first step that needs a fix (a profile edit: the
    first step)."""
    if vendor.status in PROFILE_EDIT:
        return STEP_SLUGS[0]
    return selectors.first_step_to_fix(step_states(request, vendor))


def staff_may_not_register(request):
    """City staff are told that registration is for business owners; nothing is written."""
    return render(
        request,
        "vendors/registration_staff.html",
        {"message": services.STAFF_MAY_NOT_REGISTER},
        status=403,
    )


class RegistrationStartView(LoginRequiredMixin, View):
    """Where "Register your MSME" leads: the first step, or the status page of a registration
    being verified. A GET writes nothing; the draft starts when the first step is saved."""

    def get(self, request):
        vendor = selectors.registration_for(request.user)
        if vendor is None:
            return staff_may_not_register(request)
        if vendor.status in LOCKED:
            return redirect("vendors:status")
        return redirect("vendors:register-step", step=continue_step(request, vendor))


class RegistrationStepView(LoginRequiredMixin, View):
    """One step of the registration; every save keeps a draft that can be resumed. Before the
    first save the page shows an empty registration, not saved: a GET writes nothing."""

    template_name = "vendors/registration_step.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if kwargs["step"] not in STEP_SLUGS:
            raise Http404()
        self.vendor = selectors.registration_for(request.user)
        if self.vendor is None:
            return staff_may_not_register(request)
        if self.vendor.status in LOCKED:
            messages.info(request, selectors.next_step_text(self.vendor))
            return redirect("vendors:status")
        self.step = kwargs["step"]
        self.index = STEP_SLUGS.index(self.step)
        self.form_class = STEPS[self.index][2]
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None, files=None):
        if self.form_class is None:
            return None
        if self.form_class is DocumentsForm:
            present = set(selectors.documents_of(self.vendor).values_list("kind", flat=True))
            return DocumentsForm(
                data,
                files,
                kinds=selectors.upload_documents(self.vendor),
                optional=selectors.optional_documents(self.vendor),
                present=present,
            )
        initial = self.census_initial() if data is None else None
        return self.form_class(data, instance=self.vendor, initial=initial)

    def census_initial(self) -> dict:
        """What the city's MSME census knows and this registration still lacks, to pre-fill the
        step's form (vendors.census: non-personal facts only until the MSME is approved)."""
        prefill = census_prefill_for(self.vendor) if self.vendor.nik else None
        if prefill is None:
            return {}
        fields = self.form_class.base_fields
        initial = {}
        for vendor_field, value in prefill.fields.items():
            name = vendor_field.removesuffix("_id")
            if name in fields and getattr(self.vendor, vendor_field, None) in (None, ""):
                initial[name] = value
        self.prefilled = bool(initial)
        return initial

    def render(self, form, status=200):
        states = step_states(self.request, self.vendor)
        state = states[self.index]
        ctx = {
            "vendor": self.vendor,
            "form": form,
            "steps": STEPS,
            "step_rows": [(slug, label, st) for (slug, label, _form), st in zip(STEPS, states, strict=True)],
            "step_missing": state.missing,
            "step_requested": state.requested,
            "required_fields": set(selectors.REQUIRED_FIELDS) | {"kopimi_number"}
            if self.vendor.kopimi_registered
            else set(selectors.REQUIRED_FIELDS),
            "domicile_needed": selectors.domicile_letter_needed(self.vendor),
            "review_documents": self.review_documents() if self.step == "kirim" else [],
            "step": self.step,
            "index": self.index,
            "next_step": STEP_SLUGS[self.index + 1] if self.index + 1 < len(STEPS) else None,
            "previous_step": STEP_SLUGS[self.index - 1] if self.index else None,
            "documents": selectors.documents_of(self.vendor),
            "required_documents": [VendorDocument.Kind(k) for k in selectors.required_documents(self.vendor)],
            "missing": selectors.registration_missing(self.vendor) if self.step == "kirim" else [],
            "prefilled_from_census": getattr(self, "prefilled", False),
            "changes": selectors.latest_changes_request(self.vendor)
            if self.vendor.status == Vendor.Status.CHANGES_REQUESTED
            else None,
            "masked_nik": mask_nik(self.vendor.nik) if self.vendor.nik else "",
        }
        return render(self.request, self.template_name, ctx, status=status)

    def review_documents(self) -> list[tuple]:
        """The review step's documents: each kind the registration carries or needs, with its
        current file (None: not uploaded) and whether it is required."""
        present = {d.kind: d for d in selectors.documents_of(self.vendor)}
        required = selectors.required_documents(self.vendor)
        kinds = selectors.upload_documents(self.vendor) + [k for k in present if k not in required]
        return [
            (VendorDocument.Kind(kind), present.get(kind), kind in required) for kind in dict.fromkeys(kinds)
        ]

    def record_saved(self) -> None:
        """After the verifier asked for changes: this step was looked at again."""
        if self.vendor.status != Vendor.Status.CHANGES_REQUESTED:
            return
        decision = selectors.latest_changes_request(self.vendor)
        if decision is None:
            return
        key = _saved_key(decision)
        saved = list(self.request.session.get(key, []))
        if self.step not in saved:
            self.request.session[key] = saved + [self.step]

    def get(self, request, step):
        return self.render(self.get_form())

    def post(self, request, step):
        if self.vendor.pk is None:  # the first POST starts the draft
            try:
                self.vendor = services.vendor_start(owner=request.user)
            except services.NotAllowed:
                return staff_may_not_register(request)
        if self.step == "kirim":
            try:
                services.vendor_submit(vendor=self.vendor, actor=request.user)
            except services.VendorError as exc:
                messages.error(request, exc.message)
                return redirect("vendors:register-step", step="kirim")
            messages.success(request, _("Registration submitted. The MSME office will verify it."))
            return redirect("vendors:status")
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        if isinstance(form, DocumentsForm):
            ok = self.save_documents(form)
        else:
            ok = self.save_fields(form)
        if not ok:
            return self.render(form, status=400)
        self.record_saved()
        if "save_draft" in request.POST or not self.next_step():
            messages.success(request, _("Draft saved."))
            return redirect("vendors:register-step", step=self.step)
        return redirect("vendors:register-step", step=self.next_step())

    def next_step(self):
        return STEP_SLUGS[self.index + 1] if self.index + 1 < len(STEPS) else None

    def save_fields(self, form) -> bool:
        was_verified = self.vendor.status in services.VERIFIED
        try:
            self.vendor = services.vendor_update(
                vendor=self.vendor, actor=self.request.user, data=form.cleaned_data
            )
        except services.VendorError as exc:
            add_service_errors(form, exc)
            return False
        if was_verified and self.vendor.status == Vendor.Status.SUBMITTED:
            messages.warning(
                self.request,
                _(
                    "You changed NIK, NIB or legal form: your MSME is verified again "
                    "and does not sell until it is approved."
                ),
            )
        return True

    def save_documents(self, form) -> bool:
        was_verified = self.vendor.status in services.VERIFIED
        try:
            refused = services.documents_upload(
                vendor=self.vendor, actor=self.request.user, uploads=form.cleaned_data
            )
        except services.VendorError as exc:
            form.add_error(None, exc.message)
            return False
        for kind, problems in refused.items():
            form.add_error(kind, problems)
        if was_verified and self.vendor.status == Vendor.Status.SUBMITTED:
            messages.warning(
                self.request,
                _("New documents are checked again: your MSME does not sell until it is approved."),
            )
        return not refused


class StatusView(LoginRequiredMixin, TemplateView):
    """The owner's registration status and what to do next."""

    template_name = "vendors/status.html"

    def get(self, request, *args, **kwargs):
        self.vendor = selectors.vendor_of(request.user)
        if self.vendor is None:
            return redirect("vendors:register")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        vendor = self.vendor
        ctx.update(
            vendor=vendor,
            continue_step=continue_step(self.request, vendor),
            next_text=selectors.next_step_text(vendor),
            missing=selectors.registration_missing(vendor) if vendor.status == Vendor.Status.DRAFT else [],
            changes=selectors.latest_changes_request(vendor),
            decisions=vendor.decisions.select_related("actor")[:20],
            editable=vendor.status not in LOCKED,
        )
        return ctx


class DocumentDownloadView(View):
    """Stream a personal document to the owner, a Verifikator or an Admin; every access is recorded.

    Everyone else, anonymous included, gets 404: the page does not reveal that the document exists."""

    def get(self, request, pk):
        document = get_object_or_404(VendorDocument.objects.select_related("vendor"), pk=pk)
        try:
            handle = services.document_open(document=document, user=request.user)
        except services.NotAllowed:
            raise Http404() from None  # do not reveal that the document exists
        response = FileResponse(handle, content_type=document.content_type)
        # Read where it is checked: photos in the review page, PDFs in the browser's own viewer
        # (a new tab beside the data they prove). Every file was re-encoded or checked on upload
        # (vendors.uploads), is sent with its own type only (nosniff) and never kept in a cache.
        extension = document.file_name.rsplit(".", 1)[-1]
        response["Content-Disposition"] = f'inline; filename="{document.kind}-{document.pk}.{extension}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class VerificationQueueView(PermissionRequiredMixin, ListView):
    """Registrations waiting for a Verifikator, oldest first."""

    # Django's mixin: a visitor who is not logged in goes to the login page, others get the 403.
    permission_required = "accounts.verify_vendors"
    template_name = "vendors/verification_queue.html"
    context_object_name = "vendors"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = QueueFilterForm(self.request.GET or None)
        filters = valid_filters(self.request, self.filter_form)
        return selectors.verification_queue(
            status=filters.get("status") or Vendor.Status.SUBMITTED,
            kecamatan=filters.get("kecamatan"),
            sector=filters.get("sector") or "",
            min_days=filters.get("min_days"),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_string"] = query.urlencode()
        return ctx


class VerificationReviewView(PermissionRequiredMixin, View):
    """A registration with each document beside the data it proves, and the decision."""

    permission_required = "accounts.verify_vendors"
    template_name = "vendors/verification_review.html"

    def problem_items(self, vendor):
        items = [
            ("business", _("Business data")),
            ("owner", _("Owner and NIK")),
            ("permits", _("Permits")),
            ("census", _("Census and payout")),
        ]
        items += [(f"doc_{k}", VendorDocument.Kind(k).label) for k in selectors.required_documents(vendor)]
        return items

    def render(self, vendor, form, status=200):
        docs, last_decision = selectors.documents_for_review(vendor)
        ctx = {
            "vendor": vendor,
            "form": form,
            "docs": docs,
            "last_decision": last_decision,
            "decisions": vendor.decisions.select_related("actor"),
            "required_documents": [VendorDocument.Kind(k) for k in selectors.required_documents(vendor)],
            "nik_in_city": bool(vendor.nik) and nik_issued_in_city(vendor.nik),
            "can_request_changes": VendorDecision.Action.REQUEST_CHANGES
            in dict(form.fields["action"].choices),
        }
        return render(self.request, self.template_name, ctx, status=status)

    def decision_form(self, vendor, data=None):
        offered = services.decisions_offered(vendor=vendor, actor=self.request.user)
        return DecisionForm(data, offered=offered, problem_items=self.problem_items(vendor))

    def get_vendor(self, pk):
        return get_object_or_404(
            Vendor.objects.exclude(status=Vendor.Status.DRAFT).select_related(
                "kecamatan", "kelurahan", "owner"
            ),
            pk=pk,
        )

    def get(self, request, pk):
        vendor = self.get_vendor(pk)
        return self.render(vendor, self.decision_form(vendor))

    def post(self, request, pk):
        vendor = self.get_vendor(pk)
        form = self.decision_form(vendor, request.POST)
        if not form.is_valid():
            return self.render(vendor, form, status=400)
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            services.vendor_decide(
                vendor=vendor, verifier=request.user, action=action, reason=reason, problems=form.problems()
            )
        except services.VendorError as exc:
            form.add_error(None, exc.message)
            return self.render(vendor, form, status=400)
        messages.success(request, _("Decision saved and the owner notified."))
        return redirect(reverse("vendors:verification-queue"))


class VendorPublicView(DetailView):
    """The public page of an approved MSME: no NIK, documents or street address."""

    template_name = "vendors/vendor_detail.html"
    context_object_name = "vendor"
    paginate_by = 24

    def get_queryset(self):
        return selectors.public_vendors()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        paginator = CappedCountPaginator(
            product_search(ListingFilters(partner_id=self.object.partner_id)),
            self.paginate_by,
            page_number=self.request.GET.get("page", 1),
            rows=product_cards,
        )
        page = paginator.get_page(self.request.GET.get("page"))
        ctx.update(products=page.object_list, page_obj=page, paginator=paginator, query_string="")
        return ctx
