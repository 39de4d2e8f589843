"""A GET writes nothing: an order nobody answered in time is shown expired on every page (and
offers no move) until `manage.py expire_orders` (cron) expires it, releases its budget and
tells its people. A move tried on it (a POST) expires it at once instead."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from oscar.core.loading import get_model

from procurement.budgets.models import LedgerEntry
from procurement.ordering import services
from procurement.ordering.models import OrderAction, OrderStatus, UnitOrder
from tests.procurement.ordering.world import build_world, order_in

Notification = get_model("communication", "Notification")
OrderStatusChange = get_model("order", "OrderStatusChange")

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


def label(status) -> str:
    with translation.override("id"):
        return str(OrderStatus(status).label)


def overdue_awaiting(w):
    uo = order_in(w, "awaiting_vendor")
    UnitOrder.objects.filter(pk=uo.pk).update(vendor_deadline=timezone.now() - timedelta(minutes=1))
    return UnitOrder.objects.get(pk=uo.pk)


def overdue_unapproved(w):
    uo = order_in(w, "pending_approval")
    UnitOrder.objects.filter(pk=uo.pk).update(delivery_at=timezone.now() - timedelta(hours=1))
    return UnitOrder.objects.get(pk=uo.pk)


def writes(w):
    """Everything an expiry would write."""
    w.line.refresh_from_db()
    return {
        "statuses": dict(UnitOrder.objects.values_list("pk", "status")),
        "actions": OrderAction.objects.count(),
        "status_changes": OrderStatusChange.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "committed": w.line.committed_idr,
        "notifications": Notification.objects.count(),
        "mails": len(mail.outbox),
    }


@pytest.mark.parametrize("who", ["officer", "vendor_user"])
def test_overdue_order_page_shows_it_expired_without_writing(
    w, client, who, django_capture_on_commit_callbacks
):
    uo = overdue_awaiting(w)
    before = writes(w)
    client.force_login(getattr(w, who))

    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        response = client.get(f"/pesanan/{uo.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="expired"' in html
    assert 'data-status="awaiting_vendor"' not in html
    assert 'class="mr-2 mb-2 action-form"' not in html  # no move is offered: not confirm, not cancel
    assert "tidak dijawab tepat waktu" in html  # the Indonesian notice that it has expired
    assert writes(w) == before
    assert after_commit == []  # nothing deferred either (no notification, no sales refresh)


def test_overdue_unapproved_order_page_shows_it_expired_to_the_ppk(w, client, no_mfa):
    uo = overdue_unapproved(w)
    before = writes(w)
    client.force_login(w.ppk)

    response = client.get(f"/pesanan/{uo.pk}/")

    assert 'data-status="expired"' in response.content.decode()
    assert 'id="action-approve"' not in response.content.decode()
    assert writes(w) == before


def orders_table(response) -> str:
    return re.search(r'<table[^>]*id="orders".*?</table>', response.content.decode(), re.S).group(0)


def test_order_lists_show_overdue_orders_expired_without_writing(
    w, client, django_capture_on_commit_callbacks
):
    uo = overdue_awaiting(w)
    before = writes(w)

    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        client.force_login(w.officer)
        officers = client.get("/pesanan/")
        expired_filter = client.get("/pesanan/?status=expired")
        waiting_filter = client.get("/pesanan/?status=awaiting_vendor")
        client.force_login(w.vendor_user)
        vendors_open = client.get("/umkm/pesanan/")
        vendors_all = client.get("/umkm/pesanan/?show=all")

    assert after_commit == []
    assert [o.status for o in officers.context["orders"]] == [OrderStatus.EXPIRED]
    assert label("expired") in orders_table(officers)
    assert label("awaiting_vendor") not in orders_table(officers)
    assert [o.pk for o in expired_filter.context["orders"]] == [uo.pk]
    assert list(waiting_filter.context["orders"]) == []
    assert officers.context["totals"]["total"]["n"] == 0  # an expired order is no spending
    assert list(vendors_open.context["orders"]) == []  # no longer open for the MSME
    assert [o.status for o in vendors_all.context["orders"]] == [OrderStatus.EXPIRED]
    vendor_list = re.search(r'id="vendor-orders".*?</ul>', vendors_all.content.decode(), re.S).group(0)
    assert label("expired") in vendor_list and label("awaiting_vendor") not in vendor_list
    assert writes(w) == before


def test_overdue_order_is_not_on_the_production_list(w, client):
    uo = overdue_awaiting(w)
    client.force_login(w.vendor_user)

    day = timezone.localtime(uo.delivery_at).date().isoformat()
    response = client.get(f"/umkm/pesanan/?show=all&day={day}")

    assert response.context["production"]["deliveries"] == []


def test_a_move_tried_on_an_overdue_order_expires_it_instead(w, client, django_capture_on_commit_callbacks):
    uo = overdue_awaiting(w)
    client.force_login(w.vendor_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/pesanan/{uo.pk}/confirm/")

    assert response.status_code == 302
    uo.refresh_from_db()
    assert uo.status == OrderStatus.EXPIRED
    assert list(uo.actions.values_list("action", flat=True)) == ["place", "expire"]
    w.line.refresh_from_db()
    assert w.line.committed_idr == 0
    assert Notification.objects.filter(subject__icontains=str(uo.order.number)).exists()


def test_no_move_but_expiry_is_made_on_an_overdue_order(w):
    uo = overdue_awaiting(w)

    with pytest.raises(services.NotAllowed):
        services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)
    with pytest.raises(services.NotAllowed):
        services.order_move(unit_order=uo, action="cancel", actor=w.officer)

    uo.refresh_from_db()
    assert uo.status == OrderStatus.AWAITING_VENDOR


def test_expire_orders_command_expires_it_and_the_page_then_says_nothing_is_pending(
    w, client, django_capture_on_commit_callbacks
):
    uo = overdue_awaiting(w)
    notifications_before = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_orders", stdout=io.StringIO())

    uo.refresh_from_db()
    assert uo.status == OrderStatus.EXPIRED
    w.line.refresh_from_db()
    assert w.line.committed_idr == 0  # the budget is released by the command
    assert Notification.objects.count() > notifications_before
    client.force_login(w.officer)
    page = client.get(f"/pesanan/{uo.pk}/").content.decode()
    assert 'data-status="expired"' in page
    assert "tidak dijawab tepat waktu" not in page
