"""The home page (`/`): each person lands on what waits for them, one card per role held, with
counts and links; visitors keep the public home with the meeting food first."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts import roles
from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.models import UnitOrder
from procurement.settlement.models import Invoice
from procurement.units.models import Membership
from tests.factories import PASSWORD, ProductFactory, UnitFactory, UserFactory, VendorFactory
from tests.factories.catalogue_extra import CateringProductFactory
from tests.procurement.ordering.world import (
    basket_for,
    build_world,
    food_line,
    order_in,
    person_for,
    place,
    place_big,
)
from tests.procurement.settlement.world import received, record_transfer
from vendors.census.models import CensusRecord, SizeClass
from vendors.models import Vendor

pytestmark = pytest.mark.django_db
HOME = "/"


@pytest.fixture(autouse=True)
def _no_two_factor(settings):
    settings.STAFF_MFA_REQUIRED = False  # the two-factor gate has its own tests


@pytest.fixture
def w():
    return build_world()


def home_of(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def figure(html: str, fig_id: str) -> tuple[int, str]:
    """(the count, the link) of a home card's figure."""
    match = re.search(rf'<a class="home-figure[^"]*" href="([^"]+)" id="{fig_id}">\s*<span[^>]*>(\d+)<', html)
    assert match, f"no figure {fig_id}"
    return int(match.group(2)), match.group(1).replace("&amp;", "&")


def sections(html: str) -> list[str]:
    return re.findall(r'<section class="card h-100 home-card" id="home-([a-z]+)"', html)


# --- Visitors ------------------------------------------------------------------------------------


def test_a_visitor_sees_the_public_home_with_the_kinds_of_food_first(client):
    craft = ProductFactory(title="Tas Anyaman Eceng Gondok", kind="kriya")
    meal = CateringProductFactory(title="Nasi Kotak Ayam Goreng Kremes", kind="nasi_kotak")
    craft.date_created = timezone.now() + timedelta(minutes=5)  # the craft is the newest
    craft.save()

    html = client.get(HOME).content.decode()

    assert "Jelajahi katalog" in html and 'id="home-transparency"' in html
    assert sections(html) == []
    kinds = re.findall(r'href="/catalogue/\?kind=(\w+)" data-kind', html)
    assert kinds[:5] == ["nasi_kotak", "kudapan", "prasmanan", "minuman", "tumpeng"]
    assert set(kinds[5:]) == {"fashion", "kriya", "oleh_oleh"}
    assert 'href="/catalogue/?kind=nasi_kotak" data-kind="nasi_kotak">Nasi kotak</a>' in html
    assert html.index(meal.title) < html.index(craft.title)  # food before crafts, newest or not


def test_a_kind_of_food_on_the_home_opens_the_catalogue_filtered_by_it(client):
    CateringProductFactory(title="Snack Box Lumpia Rebung", kind="kudapan")
    CateringProductFactory(title="Nasi Kotak Bandeng Presto", kind="nasi_kotak")
    link = re.search(r'href="([^"]+)" data-kind="kudapan"', client.get(HOME).content.decode()).group(1)

    listing = client.get(link).content.decode()

    assert "Snack Box Lumpia Rebung" in listing and "Nasi Kotak Bandeng Presto" not in listing


# --- Pelaku UMKM ---------------------------------------------------------------------------------


def test_a_new_sign_up_lands_on_continue_your_registration(client):
    html = home_of(client, UserFactory())

    assert sections(html) == ["owner"]
    register = reverse("vendors:register")
    assert f'href="{register}" id="home-continue-registration">Lanjutkan pendaftaran' in html


def test_confirming_the_e_mail_lands_on_the_home_with_continue_your_registration(client):
    client.post(
        reverse("account_signup"),
        {"email": "sri.rahayu@contoh.id", "password1": PASSWORD, "password2": PASSWORD},
    )
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)

    response = client.post(confirm, follow=True)

    assert response.redirect_chain[-1][0] == HOME
    html = response.content.decode()
    assert sections(html)[0] == "owner"
    assert 'id="home-continue-registration">Lanjutkan pendaftaran' in html


def test_confirming_the_e_mail_in_another_browser_asks_to_log_in_then_lands_on_continue(client):
    client.post(
        reverse("account_signup"),
        {"email": "sri.rahayu@contoh.id", "password1": PASSWORD, "password2": PASSWORD},
    )
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    client.cookies.clear()  # the link opened on another device: no session of the sign-up

    assert client.post(confirm)["Location"] == reverse("account_login")
    response = client.post(
        reverse("account_login"), {"login": "sri.rahayu@contoh.id", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == HOME
    assert 'id="home-continue-registration">Lanjutkan pendaftaran' in response.content.decode()


def test_a_draft_registration_shows_its_state_what_is_missing_and_continue(client):
    vendor = VendorFactory(nib=None, bank_name="")

    html = home_of(client, vendor.owner)

    assert 'data-status="draft">Draf' in html
    assert re.search(r'id="owner-missing">Masih kurang: \d+ isian atau dokumen', html)
    assert 'id="home-continue-registration"' in html
    assert f'href="{reverse("vendors:status")}" id="home-registration-status"' in html


def test_a_registration_being_verified_links_its_status_not_the_steps(client):
    vendor = VendorFactory(status=Vendor.Status.SUBMITTED, submitted_at=timezone.now())

    html = home_of(client, vendor.owner)

    assert 'data-status="submitted"' in html and "sedang diverifikasi" in html
    assert 'id="home-continue-registration"' not in html
    assert 'id="home-registration-status"' in html


def test_an_approved_owner_sees_orders_to_answer_to_deliver_paused_products_and_transfers(client):
    pw = received()
    w = pw.w
    record_transfer(pw)  # the MSME must confirm it arrived
    due_today = order_in(w, "awaiting_vendor")
    order_in(w, "awaiting_vendor")  # to answer by tomorrow (VENDOR_CONFIRM_HOURS)
    order_in(w, "confirmed")
    end_of_today = timezone.localtime().replace(hour=23, minute=59, second=59)
    UnitOrder.objects.filter(pk=due_today.pk).update(vendor_deadline=end_of_today)
    ProductFactory(partner=w.partner, is_public=False, title="Snack Box Musim Lalu")
    other = build_world()  # another unit and another MSME, with their own orders
    order_in(other, "awaiting_vendor")
    order_in(other, "confirmed")

    html = home_of(client, w.vendor_user)

    assert sections(html) == ["owner"]
    assert figure(html, "owner-to-confirm") == (2, reverse("ordering:vendor-orders"))
    assert "1 harus dijawab hari ini" in html
    count, link = figure(html, "owner-to-deliver")
    assert count == 1 and link == reverse("ordering:vendor-orders") + f"?day={timezone.localdate()}"
    assert figure(html, "owner-paused") == (1, reverse("vendors:shop-products"))
    assert figure(html, "owner-payments") == (1, reverse("settlement:vendor-payments"))
    assert other.vendor.business_name not in html


def test_an_order_past_its_answer_deadline_no_longer_waits_for_the_owner(client, w):
    uo = order_in(w, "awaiting_vendor")
    UnitOrder.objects.filter(pk=uo.pk).update(vendor_deadline=timezone.now() - timedelta(minutes=1))

    html = home_of(client, w.vendor_user)

    assert figure(html, "owner-to-confirm")[0] == 0
    assert 'id="owner-nothing-waits">Tidak ada yang menunggu Anda hari ini' in html


# --- Pemesan -------------------------------------------------------------------------------------


def test_an_officer_sees_open_orders_bast_to_sign_budget_left_and_the_basket_not_ordered(client, w):
    order_in(w, "awaiting_vendor")  # Rp 200.000 committed
    order_in(w, "delivered")  # Rp 200.000 committed
    basket_for(w.officer, (w.snack, 10), (w.meal, 10))
    other = build_world()
    order_in(other, "confirmed")
    other_line = other.line

    html = home_of(client, w.officer)

    assert sections(html) == ["pemesan"]
    assert figure(html, "pemesan-open-orders") == (1, reverse("ordering:order-list"))
    assert figure(html, "pemesan-to-receive") == (
        1,
        reverse("ordering:order-list") + f"?status={OrderStatus.DELIVERED.value}",
    )
    assert figure(html, "pemesan-drafts") == (1, reverse("basket:summary"))
    assert "2 baris produk belum dipesan" in html
    assert 'id="pemesan-available">Rp 4.600.000<' in html
    assert f'data-line="{w.line.pk}"' in html and f'data-line="{other_line.pk}"' not in html
    assert "Pesan makanan rapat" in html and 'id="home-food-kinds"' in html  # officers see the food


def test_an_officer_with_nothing_waiting_is_told_so(client, w):
    html = home_of(client, w.officer)

    assert 'id="pemesan-nothing-waits">Tidak ada yang menunggu Anda hari ini' in html


# --- PPK -----------------------------------------------------------------------------------------


def test_a_ppk_sees_the_approvals_waiting_per_budget_line_with_what_is_left(client, w):
    place_big(w)  # Rp 1.200.000
    place_big(w)
    second = food_line(w.unit, sub_activity_name="Fasilitasi Kunjungan Tamu", pagu_idr=2_000_000)
    place_big(w, line=second)
    order_in(w, "awaiting_vendor")  # approved already: not waiting
    other = build_world()
    place_big(other)

    html = home_of(client, w.ppk)

    assert sections(html) == ["ppk"]
    count, link = figure(html, "ppk-waiting")
    assert count == 3 and link == reverse("ordering:order-list") + "?status=pending_approval"
    assert "Rp 3.600.000" in html  # the three orders' total
    lines = re.findall(r'<li class="mb-2" data-line="(\d+)">(.*?)</li>', html, re.S)
    shown = {int(pk): re.sub(r"\s+", " ", text) for pk, text in lines}
    assert set(shown) == {w.line.pk, second.pk}
    assert "2 pesanan menunggu, Rp 2.400.000" in shown[w.line.pk]
    assert "Rp 2.400.000</strong>" in shown[w.line.pk]  # 5.000.000 − 2.400.000 − 200.000 = 2.400.000
    assert "Rp 800.000</strong>" in shown[second.pk]
    assert f"budget_line={second.pk}" in shown[second.pk]


def test_a_ppk_without_approvals_waiting_is_told_so(client, w):
    assert 'id="ppk-nothing-waits">Tidak ada yang menunggu Anda hari ini' in home_of(client, w.ppk)


# --- Bendahara -----------------------------------------------------------------------------------


def test_a_treasurer_sees_the_invoices_to_pay_and_the_overdue_ones(client):
    pw = received()
    older = order_in(pw.w, "received")
    Invoice.objects.filter(unit_order=older).update(received_at=timezone.now() - timedelta(days=20))
    other = received()  # another unit's invoice

    html = home_of(client, pw.treasurer)

    assert sections(html) == ["bendahara"]
    assert figure(html, "bendahara-to-pay") == (2, reverse("settlement:payables"))
    assert figure(html, "bendahara-overdue") == (1, reverse("settlement:payables") + "?overdue=1")
    assert other.invoice.number not in html


# --- Verifikator ---------------------------------------------------------------------------------


def test_a_verifier_sees_the_queue_by_age_oldest_first(client):
    now = timezone.now()
    for days, name in ((0.2, "Baru Sekali"), (2, "Dua Hari"), (5, "Lima Hari"), (9, "Sembilan Hari")):
        VendorFactory(
            status=Vendor.Status.SUBMITTED, submitted_at=now - timedelta(days=days), business_name=name
        )
    VendorFactory(business_name="Masih Draf")  # not submitted: not in the queue
    verifier = UserFactory(roles=[roles.VERIFIER])

    html = home_of(client, verifier)

    assert sections(html) == ["verifikator"]
    assert figure(html, "verifikator-waiting") == (4, reverse("vendors:verification-queue"))
    assert 'id="verifikator-under-a-day">1<' in html
    assert 'id="verifikator-one-to-three">1<' in html
    assert 'id="verifikator-over-three">2<' in html
    assert f'href="{reverse("vendors:verification-queue")}?min_days=3"' in html
    oldest = re.search(r'id="verifikator-oldest">(.*?)</ol>', html, re.S).group(1)
    names = re.findall(r'">([^<]+)</a>', oldest)
    assert names == ["Sembilan Hari", "Lima Hari", "Dua Hari", "Baru Sekali"]
    assert "Masih Draf" not in html
    assert "menunggu 9 hari" in oldest


# --- Analis and Admin ----------------------------------------------------------------------------


def test_an_analyst_sees_the_census_and_the_import(client):
    for n in range(3):
        CensusRecord.objects.create(
            business_name=f"Usaha Sensus {n}",
            source=CensusRecord.Source.KOPIMI,
            registered_on=date(2025, 3, 1),
            size_class=SizeClass.MICRO,
        )
    analyst = UserFactory(roles=[roles.ANALYST])

    html = home_of(client, analyst)

    assert sections(html) == ["analis"]
    assert figure(html, "analis-msmes") == (3, reverse("census:dashboard"))
    assert f'href="{reverse("census:import")}"' in html


def test_an_admin_sees_units_without_a_ppk_and_links_to_lines_units_and_users(client, w):
    UnitFactory(short_name="Bappeda")  # nobody is its PPK
    admin = UserFactory(roles=[roles.ADMIN])

    html = home_of(client, admin)

    assert sections(html) == ["admin"]
    assert figure(html, "admin-units-without-ppk") == (1, reverse("admin:units_unit_changelist"))
    assert figure(html, "admin-units") == (2, reverse("admin:units_unit_changelist"))
    assert figure(html, "admin-lines") == (1, reverse("budgets:line-list"))
    assert figure(html, "admin-users")[1] == reverse("admin:accounts_user_changelist")


# --- Several roles, one page ---------------------------------------------------------------------


def everyone(w):
    """A person holding every role: officer, PPK and treasurer of the world's unit, verifier,
    analyst and admin (an owner could not also be city staff)."""
    person = person_for(w.unit, Membership.Role.BUYER, Membership.Role.PPK, Membership.Role.TREASURER)
    person.groups.add(*UserFactory(roles=[roles.VERIFIER, roles.ANALYST, roles.ADMIN]).groups.all())
    return person


def test_a_person_with_several_roles_sees_a_card_per_role(client, w):
    html = home_of(client, everyone(w))

    assert sections(html) == ["pemesan", "ppk", "bendahara", "verifikator", "analis", "admin"]


def test_the_home_of_a_person_with_every_role_takes_a_bounded_number_of_queries(
    client, w, django_assert_max_num_queries
):
    person = everyone(w)
    for _ in range(3):
        place_big(w, officer=person)
        order_in(w, "delivered")
        VendorFactory(status=Vendor.Status.SUBMITTED, submitted_at=timezone.now())
        food_line(w.unit)
        CateringProductFactory()
    received(w)
    basket_for(person, (w.snack, 10))
    client.force_login(person)

    with django_assert_max_num_queries(55):  # the layout (basket, menu, notifications) included
        response = client.get(HOME)

    assert response.status_code == 200
    assert len(sections(response.content.decode())) == 6


def test_more_of_everything_adds_no_query(client, w, django_assert_num_queries):
    """No N+1: the count of queries stays the same with more orders, lines and registrations."""
    person = everyone(w)
    client.force_login(person)
    place_big(w, officer=person)
    VendorFactory(status=Vendor.Status.SUBMITTED, submitted_at=timezone.now())
    client.get(HOME)  # the first render stores the thumbnails of the missing image

    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for _ in range(4):
        place_big(w, officer=person, line=food_line(w.unit))
        VendorFactory(status=Vendor.Status.SUBMITTED, submitted_at=timezone.now())
        CateringProductFactory()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(HOME)


# --- Login lands on the home ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "card"),
    [
        ("owner", "owner"),
        ("officer", "pemesan"),
        ("ppk", "ppk"),
        ("treasurer", "bendahara"),
        ("verifier", "verifikator"),
        ("analyst", "analis"),
        ("admin", "admin"),
    ],
)
def test_login_lands_on_the_home_with_the_roles_card(client, w, who, card):
    people = {
        "owner": lambda: w.vendor_user,
        "officer": lambda: w.officer,
        "ppk": lambda: w.ppk,
        "treasurer": lambda: person_for(w.unit, Membership.Role.TREASURER),
        "verifier": lambda: UserFactory(roles=[roles.VERIFIER]),
        "analyst": lambda: UserFactory(roles=[roles.ANALYST]),
        "admin": lambda: UserFactory(roles=[roles.ADMIN]),
    }
    user = people[who]()

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == HOME
    assert card in sections(response.content.decode())


def test_placed_orders_are_counted_for_their_own_unit_only(client, w):
    """Another unit's officer sees none of this unit's orders."""
    place(w)
    other = build_world()

    html = home_of(client, other.officer)

    assert figure(html, "pemesan-open-orders")[0] == 0
