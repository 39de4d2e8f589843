"""Who hears about each step of an order, by e-mail and in the site, with a link that works
from a mail client (absolute, on SITE_URL)."""

import pytest
from django.core import mail
from oscar.core.loading import get_model

from procurement.ordering import services
from procurement.units.models import Membership
from tests.factories.ordering import MembershipFactory
from tests.procurement.ordering.world import build_world, person_for, place, place_big

pytestmark = pytest.mark.django_db

Notification = get_model("communication", "Notification")
SITE = "https://guloasem.semarangkota.example"


@pytest.fixture
def w(settings):
    settings.SITE_URL = SITE
    return build_world()


def sent_to(number) -> set[str]:
    """Addresses of the e-mails about order `number`."""
    return {address for m in mail.outbox if str(number) in m.subject for address in m.to}


def test_placing_tells_the_officer_and_the_msme_with_an_absolute_link(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        uo = place(w)

    assert sent_to(uo.order.number) == {w.officer.email, w.vendor_user.email}
    body = mail.outbox[0].body
    assert f"{SITE}/pesanan/{uo.pk}/" in body
    assert "Rapat Koordinasi Pelayanan Publik" in body
    assert Notification.objects.filter(recipient=w.vendor_user, subject=mail.outbox[0].subject).exists()


def test_an_order_above_the_threshold_goes_to_the_ppk_not_the_msme(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        uo = place_big(w)

    assert uo.status == "pending_approval"
    assert sent_to(uo.order.number) == {w.officer.email, w.ppk.email}


def test_the_msme_declining_tells_only_the_officer_with_the_reason(w, django_capture_on_commit_callbacks):
    uo = place(w)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.order_move(
            unit_order=uo, action="decline", actor=w.vendor_user, reason="Dapur tutup hari itu"
        )

    assert sent_to(uo.order.number) == {w.officer.email}
    assert "Dapur tutup hari itu" in mail.outbox[0].body


def test_signing_the_bast_tells_the_msme_and_the_units_treasurer(w, django_capture_on_commit_callbacks):
    treasurer = person_for(w.unit, Membership.Role.TREASURER)
    person_for(w.unit, Membership.Role.TREASURER, is_active=False)  # no longer works here
    uo = place(w)
    services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)
    services.order_move(unit_order=uo, action="deliver", actor=w.vendor_user, now=uo.delivery_at)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.order_receive(unit_order=uo, officer=w.officer, quantities={})

    assert sent_to(uo.order.number) == {w.vendor_user.email, treasurer.email}


def test_one_person_in_two_roles_hears_once(w, django_capture_on_commit_callbacks):
    MembershipFactory(user=w.officer, unit=w.unit, role=Membership.Role.PPK)

    with django_capture_on_commit_callbacks(execute=True):
        uo = place_big(w)

    assert [m.to for m in mail.outbox if str(uo.order.number) in m.subject].count([w.officer.email]) == 1


def test_nobody_hears_of_an_order_that_was_not_placed(w, django_capture_on_commit_callbacks):
    w.line.pagu_idr = 1_000  # far too small: placing fails
    w.line.save(update_fields=["pagu_idr"])

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.OrderRefused):
        place(w)

    assert mail.outbox == []
