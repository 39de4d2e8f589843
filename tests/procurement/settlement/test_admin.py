"""The Django admin: tax rules edited there, invoices, payments and Stripe's events read only.

An edit of a rule applies to invoices issued afterwards: an issued invoice keeps its figures.
"""

import pytest
from django.urls import reverse

from procurement.settlement.models import Invoice, Payment, StripeEvent, TaxRule
from procurement.units.models import Membership
from tests.factories import UserFactory
from tests.procurement.budgets.conftest import with_two_factor
from tests.procurement.settlement.world import received, record_transfer

pytestmark = pytest.mark.django_db

FIGURES = (
    "subtotal_idr",
    "pbjt_idr",
    "pbjt_rule_id",
    "pbjt_rate_bp",
    "pph_kind",
    "pph_idr",
    "pph_rule_id",
    "pph_rate_bp",
    "total_idr",
    "net_idr",
)


def figures(invoice: Invoice) -> dict:
    invoice = Invoice.objects.get(pk=invoice.pk)
    return {name: getattr(invoice, name) for name in FIGURES}


@pytest.fixture
def admin_client(client):
    client.force_login(with_two_factor(UserFactory(is_staff=True, is_superuser=True)))
    return client


def rule_form(rule: TaxRule, **changes) -> dict:
    data = {
        "kind": rule.kind,
        "rate_bp": rule.rate_bp,
        "threshold_idr": rule.threshold_idr,
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else "",
        "legal_basis": rule.legal_basis,
        "note": rule.note,
    }
    return {**data, **changes}


def test_changing_rules_in_the_admin_leaves_an_issued_invoice_as_it_was(admin_client):
    pw = received(pbjt_collector=True, pbjt_tax_number="973/0001/2026")
    before = figures(pw.invoice)
    assert (before["pbjt_rate_bp"], before["pph_rate_bp"], before["total_idr"]) == (1000, 200, 220_000)

    for kind, rate_bp in ((TaxRule.Kind.PBJT, 500), (TaxRule.Kind.PPH23, 300)):
        rule = TaxRule.objects.get(kind=kind)
        url = reverse("admin:settlement_taxrule_change", args=[rule.pk])
        response = admin_client.post(url, rule_form(rule, rate_bp=rate_bp, threshold_idr=1_000_000))
        assert response.status_code == 302, response.content.decode()[:2000]
        rule.refresh_from_db()
        assert (rule.rate_bp, rule.threshold_idr) == (rate_bp, 1_000_000)

    assert figures(pw.invoice) == before


def test_the_rule_list_shows_the_rate_as_percent_with_its_dates_and_legal_basis(admin_client):
    received()

    html = admin_client.get(reverse("admin:settlement_taxrule_changelist")).content.decode()

    assert "0,5%" in html and "10%" in html
    assert "PP 55/2022" in html
    assert admin_client.get(reverse("admin:settlement_taxrule_add")).status_code == 200


def test_a_rule_ending_before_it_starts_is_refused_with_a_message(admin_client):
    received()
    rule = TaxRule.objects.get(kind=TaxRule.Kind.PPH23)
    url = reverse("admin:settlement_taxrule_change", args=[rule.pk])

    response = admin_client.post(url, rule_form(rule, valid_to="2000-01-01"))

    assert response.status_code == 200
    assert "Aturan tidak dapat berakhir sebelum mulai berlaku." in response.content.decode()
    rule.refresh_from_db()
    assert rule.valid_to is None


def test_invoices_are_read_only_in_the_admin_with_their_payments(admin_client):
    pw = received()
    record_transfer(pw)
    invoice, before = pw.invoice, figures(pw.invoice)
    url = reverse("admin:settlement_invoice_change", args=[invoice.pk])

    page = admin_client.get(url)
    admin_client.post(url, {"subtotal_idr": "1", "net_idr": "1", "status": "paid"})

    html = page.content.decode()
    assert page.status_code == 200 and 'name="_save"' not in html
    assert str(Payment.Status.AWAITING_CONFIRMATION.label) in html  # the payments inline
    assert figures(invoice) == before
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.AWAITING_CONFIRMATION
    assert admin_client.get(reverse("admin:settlement_invoice_add")).status_code == 403
    assert admin_client.get(reverse("admin:settlement_invoice_delete", args=[invoice.pk])).status_code == 403
    assert admin_client.get(reverse("admin:settlement_invoice_changelist")).status_code == 200


def test_payments_and_stripe_events_are_read_only_in_the_admin(admin_client):
    pw = received()
    payment = record_transfer(pw)
    event = StripeEvent.objects.create(event_id="evt_1", type="checkout.session.completed", payment=payment)

    for model, obj in (("payment", payment), ("stripeevent", event)):
        change = admin_client.get(reverse(f"admin:settlement_{model}_change", args=[obj.pk]))
        assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
        assert admin_client.get(reverse(f"admin:settlement_{model}_add")).status_code == 403
        assert admin_client.get(reverse(f"admin:settlement_{model}_delete", args=[obj.pk])).status_code == 403
    admin_client.post(reverse("admin:settlement_payment_change", args=[payment.pk]), {"amount_idr": "1"})
    assert Payment.objects.get(pk=payment.pk).amount_idr == pw.invoice.net_idr


def test_only_platform_staff_reach_the_settlement_admin(client):
    pw = received()
    treasurer = with_two_factor(pw.treasurer)
    assert pw.w.unit.memberships.filter(user=treasurer, role=Membership.Role.TREASURER).exists()
    url = reverse("admin:settlement_taxrule_changelist")

    client.force_login(treasurer)
    refused = client.get(url)
    client.force_login(with_two_factor(UserFactory(is_staff=True)))  # staff without the permission
    forbidden = client.get(url)

    assert refused.status_code == 302 and reverse("admin:login") in refused["Location"]
    assert forbidden.status_code == 403
