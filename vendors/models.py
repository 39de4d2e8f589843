"""MSMEs (UMKM, usaha mikro, kecil dan menengah) that sell on Gulo Asem.

Domain words kept in Indonesian, as officials use them:
- NIK: the 16-digit national identity number on the KTP (identity card).
- NIB: the 13-digit business identity number from OSS.
- IUMK: the older micro-business licence. NPWP: tax number.
- P-IRT: home-industry food licence. Gerai Kopimi: the city's micro-business register.
- kecamatan / kelurahan: district / urban village (see marketplace.regions).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vendors import validators


class Vendor(models.Model):
    """An MSME: its registration, verification status and link to its Oscar partner.

    The identity numbers carry their validators (vendors.validators), so `full_clean()` refuses a
    bad one; they are stored in their normal form (digits only, a halal number upper case), which
    vendors.services.vendor_update writes whatever was typed. The owner's gender and birth date
    are read from the NIK by the same service, never typed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    class LegalForm(models.TextChoices):
        INDIVIDUAL = "perorangan", _("Sole proprietorship (perorangan)")
        CV = "cv", _("CV")
        PT_INDIVIDUAL = "pt_perorangan", _("PT perorangan")
        PT = "pt", _("PT")
        COOPERATIVE = "koperasi", _("Cooperative (koperasi)")
        FIRM = "firma", _("Firma")

    class Sector(models.TextChoices):
        FOOD = "kuliner", _("Culinary (kuliner)")
        FASHION = "fashion", _("Fashion")
        CRAFT = "kriya", _("Crafts (kriya)")
        SERVICES = "jasa", _("Services (jasa)")
        OTHER = "lainnya", _("Other")

    class Gender(models.TextChoices):
        # The KTP's letters: L (laki-laki), P (perempuan).
        MALE = "L", _("Male")
        FEMALE = "P", _("Female")

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="vendor"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    partner = models.OneToOneField(
        "partner.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vendor",
    )
    slug = models.SlugField(_("slug"), max_length=140, unique=True, null=True, blank=True)

    # Business
    business_name = models.CharField(_("business name"), max_length=120, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True, db_index=True)
    description = models.TextField(_("description"), blank=True)
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "kecamatan"},
    )
    kelurahan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "kelurahan"},
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    # Owner (personal data: never public)
    owner_name = models.CharField(_("full name as on KTP"), max_length=120, blank=True)
    nik = models.CharField(
        _("NIK"), max_length=16, unique=True, null=True, blank=True, validators=[validators.validate_nik]
    )
    # Read from the NIK (day + 40 for women; DDMMYY) whenever it is set or changed.
    owner_gender = models.CharField(
        _("owner's gender"), max_length=1, choices=Gender.choices, blank=True, editable=False
    )
    owner_birth_date = models.DateField(_("owner's birth date"), null=True, blank=True, editable=False)

    # Permits
    nib = models.CharField(
        _("NIB"), max_length=13, unique=True, null=True, blank=True, validators=[validators.validate_nib]
    )
    iumk = models.CharField(_("IUMK"), max_length=40, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=20, blank=True, validators=[validators.validate_npwp])
    pp55_number = models.CharField(_("PP 55/2022 certificate number"), max_length=60, blank=True)
    pp55_valid_from = models.DateField(_("PP 55/2022 certificate valid from"), null=True, blank=True)
    pp55_valid_until = models.DateField(_("PP 55/2022 certificate valid until"), null=True, blank=True)
    # PBJT (regional tax on food and drink): an MSME registered to collect it charges it on top.
    pbjt_collector = models.BooleanField(_("registered PBJT collector"), default=False)
    pbjt_tax_number = models.CharField(_("regional tax number (NPWPD)"), max_length=40, blank=True)
    pirt_number = models.CharField(
        _("P-IRT number"), max_length=30, blank=True, validators=[validators.validate_pirt]
    )
    halal_number = models.CharField(
        _("halal certificate number"), max_length=40, blank=True, validators=[validators.validate_halal]
    )
    kopimi_registered = models.BooleanField(_("registered in Gerai Kopimi"), default=False)
    kopimi_number = models.CharField(_("Gerai Kopimi number"), max_length=40, blank=True)

    # Census facts
    capital_idr = models.BigIntegerField(
        _("capital excluding land and buildings (Rp)"), null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_sales_idr = models.BigIntegerField(_("annual sales (Rp)"), null=True, blank=True)

    # Payout
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=30, blank=True)
    bank_account_holder = models.CharField(_("account holder"), max_length=120, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("MSME")
        verbose_name_plural = _("MSMEs")
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capital_idr__gte=0) | models.Q(capital_idr__isnull=True),
                name="vendor_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_sales_idr__gte=0) | models.Q(annual_sales_idr__isnull=True),
                name="vendor_sales_not_negative",
            ),
        ]

    def __str__(self):
        return self.business_name or str(self.owner)

    @property
    def is_selling(self) -> bool:
        return self.status == self.Status.APPROVED


class CurrentDocumentManager(models.Manager):
    """The documents in force: a replaced one is no longer the MSME's document."""

    def get_queryset(self):
        return super().get_queryset().filter(replaced_at__isnull=True)


class VendorDocument(models.Model):
    """A personal document proving the registration. Stored in private storage only.

    Replacing a document keeps the old row as a record of what was there (kind, original
    name, size, when uploaded and replaced), so the access records still name it; its file
    is deleted. `VendorDocument.objects` and `vendor.documents` see the current documents
    only; `VendorDocument.all_objects` sees every row (`dumpdata` needs `--all` for the replaced)."""

    class Kind(models.TextChoices):
        KTP = "ktp", _("KTP (identity card) photo")
        DOMICILE = "domicile", _("Proof of domicile in the city")
        NIB = "nib", _("NIB certificate")
        IUMK = "iumk", _("IUMK licence")
        BUSINESS_PLACE = "business_place", _("Photo of the business place")
        SELFIE_KTP = "selfie_ktp", _("Selfie holding the KTP")
        HALAL = "halal", _("Halal certificate")
        PIRT = "pirt", _("P-IRT certificate")
        PP55 = "pp55", _("PP 55/2022 certificate (Surat Keterangan PP 55)")

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("MSME"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("stored name"), max_length=255, editable=False)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True, editable=False)

    objects = CurrentDocumentManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, read as a field): every row

    class Meta:
        verbose_name = _("MSME document")
        verbose_name_plural = _("MSME documents")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "kind"],
                condition=models.Q(replaced_at__isnull=True),
                name="vendordocument_one_current_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.vendor}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class DocumentAccess(models.Model):
    """Every opening of a personal document: who, when, which.

    A replaced document keeps its row, so `document` still points at it. Should a document
    row be deleted all the same (its MSME's draft deleted), `document` becomes empty and
    `description`, written when the document was opened, still says what it was."""

    document = models.ForeignKey(
        VendorDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="accesses"
    )
    description = models.CharField(_("document"), max_length=255, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accessed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-accessed_at",)
        verbose_name = _("document access")
        verbose_name_plural = _("document accesses")

    def __str__(self):
        return f"{self.user} — {self.description} — {self.accessed_at:%Y-%m-%d %H:%M}"


class VendorDecision(models.Model):
    """One status change of an MSME and why: the verification history, never edited."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted for verification")
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        REQUEST_CHANGES = "request_changes", _("Changes requested")
        SUSPEND = "suspend", _("Suspended")
        REINSTATE = "reinstate", _("Reinstated")
        REVERIFY = "reverify", _("Sent back to verification after a profile change")

    # The verification history is kept for good: an MSME with decisions cannot be deleted.
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="decisions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Vendor.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Vendor.Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    # For "changes requested": [{"field": "ktp", "label": "...", "reason": "..."}]
    problems = models.JSONField(_("problems"), default=list, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("MSME decision")
        verbose_name_plural = _("MSME decisions")

    def __str__(self):
        return f"{self.vendor}: {self.get_action_display()}"
