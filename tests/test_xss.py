"""No stored XSS: what one user types never runs in another user's browser.

Every field that another person later reads (product title, description and contents; the
MSME's name and description; the event's name, venue and contact; every reason of an order or a
verification decision; rating comments; budget line and account names of the DPA import) is
filled with each payload of a corpus, saved the way the site saves it, and then every page
that shows it, and every notification and e-mail that carries it, is checked for executable
markup: a script the site did not write, an event attribute (`onerror=`, `onload=`…) on any
tag, a `javascript:` URL in a link or source, or a frame.

Each stored value starts with a plain word (`KOLOM…`), which must be on the page: a field that
silently disappeared from the page would otherwise pass.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.safestring import mark_safe
from oscar.core.loading import get_model

from marketplace.accounts import roles
from marketplace.catalogue import services as catalogue_services
from marketplace.common.html import clean_rich_text, rich_text, sanitise_html, text_as_html
from procurement.ordering import services as ordering_services
from procurement.units.models import Membership
from tests.factories import BudgetAccountFactory, UnitFactory, UserFactory
from tests.factories.vendor_documents import CompleteVendorFactory
from tests.marketplace.catalogue.test_vendor_products import product_form_data
from tests.procurement.budgets.conftest import with_two_factor
from tests.procurement.ordering.world import build_world, food_line, person_for, place
from vendors import services as vendor_services

pytestmark = pytest.mark.django_db

Notification = get_model("communication", "Notification")
Product = get_model("catalogue", "Product")

PAYLOADS = [
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klik</a>',
    '<a href=" JaVaScRiPt:alert(1)">spasi</a>',
    '<a href="&#106;avascript:alert(1)">entitas</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<b onmouseover=alert(1)>tidak ditutup",
    '<img src="x" onerror="alert(1)"',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<details open ontoggle=alert(1)>",
    "</textarea></title><script>alert(1)</script>",
    '<math><a xlink:href="javascript:alert(1)">m</a></math>',
    "<body onload=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
]
# Phone numbers hold 20 characters.
SHORT_PAYLOAD = "<svg/onload=alert()>"

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def _javascript_url(value: str) -> bool:
    compact = re.sub(r"[\x00-\x20]", "", value or "").lower()
    return compact.startswith(("javascript:", "vbscript:", "data:text/html"))


class _ExecutableFinder(HTMLParser):
    """Collects whatever in a page could run script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and _javascript_url(value):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            src = values.get("src")
            if src is not None and not src.startswith("/static/") and not src.startswith("/i18n/"):
                self.found.append(f"<script src={src!r}>")
            if src is None and "nonce" not in values and values.get("type") not in DATA_SCRIPT_TYPES:
                self.found.append("<script> without the page's nonce")
        if tag in ("iframe", "object", "embed", "base"):
            self.found.append(f"<{tag}>")

    handle_startendtag = handle_starttag


def executable_markup(html: str) -> list[str]:
    """Script, event attributes and javascript: URLs that the site itself did not write."""
    finder = _ExecutableFinder()
    finder.feed(html)
    finder.close()
    # Belt and braces against a parser that reads a tag differently from a browser: every
    # "<script" in the page's source must be one of the site's own (with the nonce or a local src).
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        if "nonce=" not in tag and 'src="/static/' not in tag and 'type="application/json"' not in tag:
            finder.found.append(tag)
    return finder.found


def assert_safe(html: str, *visible: str):
    found = executable_markup(html)
    assert not found, f"executable markup in the page: {found}"
    for text in visible:
        assert text in html, f"{text!r} is not on the page (the field was not shown)"


def page(client, url, *visible: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert_safe(html, *visible)
    return html


def stored(label: str, payload: str) -> str:
    return f"{label} {payload}"


# --- The checker and the helpers themselves --------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_checker_sees_every_payload_when_printed_raw(payload):
    assert executable_markup(f"<p>{payload}</p>") or payload.startswith("<!--"), payload


def test_the_checker_lets_the_sites_own_scripts_through():
    html = '<script src="/static/oscar/js/x.js"></script><script nonce="abc">oscar.init();</script>'
    assert executable_markup(html) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_helpers_leave_no_executable_markup(payload):
    for html in (rich_text(payload), sanitise_html(payload), text_as_html(payload), clean_rich_text(payload)):
        assert executable_markup(str(html)) == [], (payload, html)


def test_plain_text_description_is_escaped_with_its_line_breaks():
    assert str(rich_text("Nasi & ayam <5 porsi\nSambal")) == "<p>Nasi &amp; ayam &lt;5 porsi<br>Sambal</p>"


def test_html_description_keeps_formatting_and_plain_links_only():
    cleaned = str(
        rich_text('<p><strong>Enak</strong> <a href="https://x.id" onclick="y()">w</a><img src=x></p>')
    )
    assert (
        cleaned
        == '<p><strong>Enak</strong> <a href="https://x.id" rel="nofollow noopener noreferrer">w</a></p>'
    )


def test_a_text_template_rendered_with_autoescape_off_is_escaped_too():
    assert str(text_as_html(mark_safe("<script>x</script>"))) == "&lt;script&gt;x&lt;/script&gt;"


def test_plain_text_message_becomes_escaped_html_with_links():
    html = str(text_as_html('Alasan: <b>"tutup"</b>\nBuka: https://guloasem.test/pesanan/1/'))
    assert html.startswith("Alasan: &lt;b&gt;&quot;tutup&quot;&lt;/b&gt;<br>")
    assert '<a href="https://guloasem.test/pesanan/1/" rel="nofollow">' in html


# --- Products: title, description, contents -------------------------------------------------------


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def officer_client(client, w):
    client.force_login(w.officer)
    return client


@pytest.mark.parametrize("payload", PAYLOADS)
def test_product_fields_run_nowhere(client, w, payload):
    product = catalogue_services.product_create(
        partner=w.partner,
        data={
            "title": stored("KOLOMJUDUL", payload),
            "description": stored("KOLOMDESKRIPSI", payload) + "\nbaris dua",
            "contents": stored("KOLOMISI", payload),
            "kind": "snack_box",
            "sale_unit": "kotak",
            "ceiling_kind": "kudapan",
            "min_order_qty": 10,
            "lead_time_hours": 24,
            "is_halal": True,
        },
        price_idr=20_000,
    )
    product.refresh_from_db()
    assert executable_markup(product.description) == []  # sanitised as it is saved

    page(client, product.get_absolute_url(), "KOLOMJUDUL", "KOLOMDESKRIPSI", "KOLOMISI")
    page(client, reverse("catalogue:index"), "KOLOMJUDUL")
    page(client, reverse("vendors:vendor-detail", args=[w.vendor.slug]), "KOLOMJUDUL")
    client.force_login(w.vendor_user)
    page(client, reverse("vendors:shop-products"), "KOLOMJUDUL")
    page(client, reverse("vendors:shop-product-update", args=[product.pk]), "KOLOMJUDUL", "KOLOMDESKRIPSI")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_description_stored_before_sanitising_is_cleaned_on_the_product_page(client, w, payload):
    """Rows written before the service cleaned descriptions (or by hand) are cleaned when shown."""
    Product.objects.filter(pk=w.snack.pk).update(description=stored("KOLOMLAMA", payload))

    page(client, w.snack.get_absolute_url(), "KOLOMLAMA")


def test_the_msmes_product_form_stores_a_clean_description(client, w):
    client.force_login(w.vendor_user)
    payload = "<p>Risoles <strong>enak</strong></p><img src=x onerror=alert(1)><script>alert(1)</script>"

    response = client.post(
        reverse("vendors:shop-product-create"),
        product_form_data(title="Risoles Mayo KOLOMFORM", description=payload),
    )

    assert response.status_code == 302, response.context["form"].errors
    product = Product.objects.get(title="Risoles Mayo KOLOMFORM")
    assert product.description == "<p>Risoles <strong>enak</strong></p>"
    html = page(client, product.get_absolute_url(), "Risoles <strong>enak</strong>")
    assert "alert(1)" not in html


# --- The MSME: business name and description, rating comments --------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_msme_name_description_and_rating_comments_run_nowhere(client, w, payload):
    vendor = w.vendor
    vendor.business_name = stored("KOLOMNAMA", payload)[:120]
    vendor.description = stored("KOLOMUSAHA", payload)
    vendor.save()
    w.partner.name = vendor.business_name
    w.partner.save()
    uo = place(w)
    ordering_services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)
    ordering_services.order_move(unit_order=uo, action="deliver", actor=w.vendor_user, now=uo.delivery_at)
    ordering_services.order_receive(
        unit_order=uo, officer=w.officer, quantities={}, rating=4, comment=stored("KOLOMKOMENTAR", payload)
    )

    page(
        client,
        reverse("vendors:vendor-detail", args=[vendor.slug]),
        "KOLOMNAMA",
        "KOLOMUSAHA",
        "KOLOMKOMENTAR",
    )
    page(client, w.snack.get_absolute_url(), "KOLOMNAMA")
    page(client, reverse("catalogue:index"), "KOLOMNAMA")
    client.force_login(w.officer)
    page(client, reverse("ordering:order-detail", args=[uo.pk]), "KOLOMNAMA")
    page(client, reverse("ordering:order-list"), "KOLOMNAMA")


# --- Orders: event name, venue, contact; every reason ----------------------------------------------


def _event_fields(payload):
    return {
        "name": stored("KOLOMKEGIATAN", payload),
        "venue": stored("KOLOMTEMPAT", payload),
        "contact_name": stored("KOLOMKONTAK", payload)[:120],
        "contact_phone": SHORT_PAYLOAD,
    }


def _check_notifications(client, user, *visible):
    """The notifications of `user`: the stored bodies and Oscar's inbox and detail pages."""
    client.force_login(user)
    notifications = list(Notification.objects.filter(recipient=user))
    assert notifications, "no notification was sent"
    page(client, reverse("customer:notifications-inbox"))
    for notification in notifications:
        assert executable_markup(notification.body) == [], notification.body
        assert executable_markup(notification.subject) == [], notification.subject
    bodies = " ".join(
        page(client, reverse("customer:notifications-detail", args=[n.pk])) for n in notifications
    )
    for text in visible:
        assert text in bodies, f"{text!r} is not in any notification of {user}"


def _check_mails(*visible):
    """E-mails are plain text only (no HTML part a mail client would render)."""
    assert mail.outbox
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", [])
    bodies = " ".join(m.body for m in mail.outbox)
    for text in visible:
        assert text in bodies


@pytest.mark.parametrize("payload", PAYLOADS)
def test_event_fields_and_a_decline_reason_run_nowhere(
    client, w, payload, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        uo = place(w, **_event_fields(payload))
    with django_capture_on_commit_callbacks(execute=True):
        ordering_services.order_move(
            unit_order=uo, action="decline", actor=w.vendor_user, reason=stored("KOLOMTOLAK", payload)
        )

    client.force_login(w.officer)
    page(
        client,
        reverse("ordering:order-detail", args=[uo.pk]),
        "KOLOMKEGIATAN",
        "KOLOMTEMPAT",
        "KOLOMKONTAK",
        "KOLOMTOLAK",
    )
    page(client, reverse("ordering:order-list") + "?status=declined", "KOLOMKEGIATAN")
    client.force_login(w.vendor_user)
    page(client, reverse("ordering:vendor-orders") + "?show=all", "KOLOMKEGIATAN")
    page(client, reverse("ordering:order-detail", args=[uo.pk]), "KOLOMKEGIATAN", "KOLOMTOLAK")
    _check_notifications(client, w.officer, "KOLOMKEGIATAN", "KOLOMTOLAK")
    _check_notifications(client, w.vendor_user, "KOLOMKEGIATAN")
    _check_mails("KOLOMKEGIATAN", "KOLOMTOLAK")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_cancel_and_ppk_rejection_reasons_run_nowhere(client, w, payload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = place(w)
        ordering_services.order_move(
            unit_order=cancelled, action="cancel", actor=w.officer, reason=stored("KOLOMBATAL", payload)
        )
        big = place(w, (w.snack, 60))
        ordering_services.order_move(
            unit_order=big, action="reject_approval", actor=w.ppk, reason=stored("KOLOMPPK", payload)
        )

    client.force_login(w.officer)
    page(client, reverse("ordering:order-detail", args=[cancelled.pk]), "KOLOMBATAL")
    page(client, reverse("ordering:order-detail", args=[big.pk]), "KOLOMPPK")
    client.force_login(w.vendor_user)
    page(client, reverse("ordering:order-detail", args=[cancelled.pk]), "KOLOMBATAL")
    _check_notifications(client, w.officer, "KOLOMBATAL", "KOLOMPPK")
    _check_notifications(client, w.vendor_user, "KOLOMBATAL")
    _check_mails("KOLOMBATAL", "KOLOMPPK")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_old_notification_body_with_markup_is_cleaned_on_its_page(client, w, payload):
    """Bodies stored before they were built escaped held whatever the user typed."""
    note = Notification.objects.create(
        recipient=w.officer, subject=stored("KOLOMSUBJEK", payload), body=stored("KOLOMISIPESAN", payload)
    )
    client.force_login(w.officer)

    page(client, reverse("customer:notifications-inbox"), "KOLOMSUBJEK")
    page(client, reverse("customer:notifications-detail", args=[note.pk]), "KOLOMSUBJEK", "KOLOMISIPESAN")


def test_notification_body_keeps_its_lines_and_a_working_link(client, w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        uo = place(w, name="Rapat & Evaluasi <Triwulan>")

    body = Notification.objects.filter(recipient=w.vendor_user).get().body
    assert "Rapat &amp; Evaluasi &lt;Triwulan&gt;" in body
    assert "<br>" in body
    assert f'<a href="https://guloasem.test/pesanan/{uo.pk}/"' in body
    assert "Rapat & Evaluasi <Triwulan>" in mail.outbox[0].body  # the e-mail is plain text, as typed


# --- Verification: the MSME's data, reasons of rejection and changes requested --------------------


@pytest.fixture
def verifier(settings):
    settings.STAFF_MFA_REQUIRED = False
    return UserFactory(roles=[roles.VERIFIER])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_verification_reasons_and_registration_data_run_nowhere(
    client, verifier, payload, django_capture_on_commit_callbacks
):
    vendor = CompleteVendorFactory(
        submitted=True,
        documents=[],
        business_name=stored("KOLOMNAMA", payload)[:120],
        description=stored("KOLOMUSAHA", payload),
        street_address=stored("KOLOMALAMAT", payload),
    )
    with django_capture_on_commit_callbacks(execute=True):
        vendor_services.vendor_request_changes(
            vendor=vendor,
            verifier=verifier,
            reason=stored("KOLOMALASAN", payload),
            problems=[{"field": "doc_ktp", "label": "KTP", "reason": stored("KOLOMMASALAH", payload)}],
        )

    client.force_login(verifier)
    page(client, reverse("vendors:verification-queue") + "?status=changes_requested", "KOLOMNAMA")
    page(
        client,
        reverse("vendors:verification-review", args=[vendor.pk]),
        "KOLOMNAMA",
        "KOLOMUSAHA",
        "KOLOMALASAN",
        "KOLOMMASALAH",
    )
    client.force_login(vendor.owner)
    page(client, reverse("vendors:status"), "KOLOMALASAN", "KOLOMMASALAH")
    _check_notifications(client, vendor.owner, "KOLOMALASAN", "KOLOMMASALAH")
    _check_mails("KOLOMALASAN", "KOLOMMASALAH")


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_rejection_reason_runs_nowhere(client, verifier, payload, django_capture_on_commit_callbacks):
    vendor = CompleteVendorFactory(submitted=True, documents=[])
    with django_capture_on_commit_callbacks(execute=True):
        vendor_services.vendor_reject(vendor=vendor, verifier=verifier, reason=stored("KOLOMTOLAK", payload))

    client.force_login(verifier)
    page(client, reverse("vendors:verification-review", args=[vendor.pk]), "KOLOMTOLAK")
    client.force_login(vendor.owner)
    page(client, reverse("vendors:status"), "KOLOMTOLAK")
    _check_notifications(client, vendor.owner, "KOLOMTOLAK")


# --- Budget lines: the DPA import (sub-activity names) and account names ---------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_dpa_import_and_budget_line_pages_run_nowhere(client, payload, settings):
    unit = UnitFactory(code="SETDA", name="Sekretariat Daerah", short_name="Setda")
    BudgetAccountFactory(code="5.1.02.01.01.0052", name=stored("KOLOMREKENING", payload))
    admin = with_two_factor(UserFactory(roles=[roles.ADMIN]))
    client.force_login(admin)
    name = stored("KOLOMSUBKEGIATAN", payload).replace('"', '""')
    csv = (
        "unit_code,fiscal_year,sub_activity_code,sub_activity_name,account_code,pagu_idr\n"
        f'SETDA,2026,4.01.01.2.06.0009,"{name}",5.1.02.01.01.0052,150000000\n'
        f'"{name}",2026,4.01.01.2.06.0010,Rapat,5.1.02.01.01.0052,1\n'  # refused: the unit code is shown
    )

    refused = client.post(
        reverse("budgets:line-import"),
        {"file": SimpleUploadedFile("dpa.csv", csv.encode(), content_type="text/csv")},
    )
    assert refused.status_code == 400  # rows refused, each listed with its reason
    assert_safe(refused.content.decode(), "KOLOMSUBKEGIATAN")

    good = csv.splitlines()[:2]
    response = client.post(
        reverse("budgets:line-import"),
        {"file": SimpleUploadedFile("dpa.csv", ("\n".join(good) + "\n").encode(), content_type="text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    line = unit.budget_lines.get()
    assert line.sub_activity_name.startswith("KOLOMSUBKEGIATAN")
    page(client, reverse("budgets:line-list") + "?year=all", "KOLOMSUBKEGIATAN")
    page(client, reverse("budgets:line-detail", args=[line.pk]), "KOLOMSUBKEGIATAN", "KOLOMREKENING")
    officer = person_for(unit, Membership.Role.BUYER)
    client.force_login(officer)
    page(client, reverse("budgets:line-list") + "?year=all", "KOLOMSUBKEGIATAN")


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_budget_line_name_runs_nowhere_on_the_checkout_page(client, w, payload):
    """The officer picks a budget line by its name on the checkout page."""
    food_line(w.unit, sub_activity_name=stored("KOLOMBARIS", payload), sub_activity_code="4.01.01.2.06.0099")
    client.force_login(w.officer)
    client.post(reverse("basket:add", args=[w.snack.pk]), {"quantity": 10})

    page(client, reverse("checkout:index"), "KOLOMBARIS")
