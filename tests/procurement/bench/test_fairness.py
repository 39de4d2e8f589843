"""The fairness simulation (manage.py bench --fairness) on a small world: its figures, the rating
rule of Pemerataan, the Pemerataan tie-break inside other orderings, and the rollback."""

import random
from io import StringIO

import pytest
from oscar.core.loading import get_model

from marketplace.catalogue.selectors import ListingFilters, product_search
from marketplace.partner.services import NOT_PROMOTED_IDR, partner_sales_store
from procurement.bench import fairness
from procurement.ordering.models import VendorRating
from procurement.ordering.services import low_rated_partners, vendor_sales_refresh
from tests.factories import PartnerFactory
from tests.factories.catalogue_extra import CateringProductFactory
from tests.factories.regions import KecamatanFactory
from tests.procurement.ordering.world import build_world, order_in

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")


def titles(**filters) -> list[str]:
    return [p.title for p in product_search(ListingFilters(**filters))]


# --- The figures on known inputs ----------------------------------------------------------------


def test_gini_of_equal_shares_is_zero_and_of_one_taking_all_is_near_one():
    assert fairness.gini([5, 5, 5, 5]) == 0
    assert fairness.gini([0, 0, 0, 10]) == pytest.approx(0.75)  # (n - 1) / n for one of n
    assert fairness.gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert fairness.gini([]) == 0 and fairness.gini([0, 0]) == 0


def test_top_share_is_what_the_top_tenth_received():
    assert fairness.top_share([10] + [1] * 9) == pytest.approx(10 / 19)  # 1 of 10 vendors
    assert fairness.top_share([5] * 20) == pytest.approx(0.10)  # 2 of 20, all equal
    assert fairness.top_share([100, 0, 0, 0, 0]) == 1.0
    assert fairness.top_share([]) == 0


def test_officers_pick_with_a_one_over_rank_bias():
    rng = random.Random(1)
    picks = [fairness.pick_rank(rng, 24) for _ in range(20_000)]
    first, second, fourth = picks.count(0), picks.count(1), picks.count(3)
    assert first / second == pytest.approx(2, rel=0.1)
    assert first / fourth == pytest.approx(4, rel=0.15)
    assert max(picks) == 23


def test_outcome_counts_vendors_never_paid():
    outcome = fairness.Outcome(
        scenario="x", orders=3, vendors=10, spend={1: 300, 2: 100}, listings=1, seconds=0.0
    )
    assert outcome.paid == 2
    assert len(outcome.amounts) == 10
    assert outcome.top_share == pytest.approx(0.75)  # the top 1 of 10 took 300 of 400
    assert outcome.gini == pytest.approx(fairness.gini([300, 100] + [0] * 8))


# --- Pemerataan does not promote poorly rated MSMEs ----------------------------------------------


def rate(w, *scores):
    for score in scores:
        uo = order_in(w, "received")
        VendorRating.objects.create(unit_order=uo, partner=w.partner, score=score)


def test_a_vendor_rated_below_three_by_three_orders_is_not_promoted():
    w = build_world()
    rate(w, 2, 3, 2)  # average 2.33 over 3 ratings
    others = PartnerFactory(name="Laris Manis")
    CateringProductFactory(title="Nasi Kotak Laris", partner=others)

    assert low_rated_partners() == {w.partner.pk}
    vendor_sales_refresh()
    others.refresh_from_db()
    w.partner.refresh_from_db()
    assert w.partner.low_rated and not others.low_rated
    # The low-rated MSME sold less (its orders were refunded nothing: 3 × Rp 200.000 still count)…
    partner_sales_store(sales={others.pk: 50_000_000, w.partner.pk: 0}, partner_ids=[others.pk, w.partner.pk])
    w.snack.refresh_from_db()
    assert w.snack.vendor_sales_90d_idr == NOT_PROMOTED_IDR  # its products carry the figure
    # … and still comes after the MSME that sold Rp 50 million.
    assert titles(sort="pemerataan")[0] == "Nasi Kotak Laris"
    assert set(titles(sort="pemerataan")[1:]) == {w.snack.title, w.meal.title}


def test_fewer_than_three_ratings_or_an_average_of_three_keep_the_promotion():
    w = build_world()
    rate(w, 1, 1)
    assert low_rated_partners() == set()
    rate(w, 5)  # 1, 1, 5: 2.33 — now three ratings
    assert low_rated_partners() == {w.partner.pk}
    rate(w, 5)  # 1, 1, 5, 5: 3.0 — not below 3
    assert low_rated_partners() == set()
    vendor_sales_refresh()
    w.partner.refresh_from_db()
    assert not w.partner.low_rated


def test_a_vendor_rated_better_again_is_promoted_again():
    w = build_world()
    rate(w, 1, 1, 1)
    vendor_sales_refresh()
    w.snack.refresh_from_db()
    assert w.snack.vendor_sales_90d_idr >= NOT_PROMOTED_IDR
    rate(w, 5, 5, 5, 5, 5)
    vendor_sales_refresh()
    w.snack.refresh_from_db()
    w.partner.refresh_from_db()
    assert not w.partner.low_rated
    assert w.snack.vendor_sales_90d_idr == w.partner.sales_90d_idr


# --- Pemerataan as the tie-break of price and relevance ------------------------------------------


def test_equal_prices_put_the_vendor_with_fewer_sales_first():
    busy, quiet = PartnerFactory(name="Laris"), PartnerFactory(name="Sepi")
    CateringProductFactory(title="Nasi Kotak Sepi", partner=quiet, price=25_000)
    CateringProductFactory(title="Nasi Kotak Laris", partner=busy, price=25_000)  # newer, higher pk
    CateringProductFactory(title="Nasi Kotak Murah", partner=busy, price=20_000)
    partner_sales_store(sales={busy.pk: 9_000_000, quiet.pk: 100_000}, partner_ids=[busy.pk, quiet.pk])

    assert titles(sort="price_asc") == ["Nasi Kotak Murah", "Nasi Kotak Sepi", "Nasi Kotak Laris"]
    assert titles(sort="price_desc") == ["Nasi Kotak Sepi", "Nasi Kotak Laris", "Nasi Kotak Murah"]
    # The price still comes first: the cheaper box of the busy MSME leads the ascending list.
    partner_sales_store(sales={busy.pk: 0, quiet.pk: 100_000}, partner_ids=[busy.pk, quiet.pk])
    assert titles(sort="price_asc") == ["Nasi Kotak Murah", "Nasi Kotak Laris", "Nasi Kotak Sepi"]


# --- The simulation ------------------------------------------------------------------------------


@pytest.fixture
def small_city():
    """30 MSMEs of one kecamatan, one box each at the same price, and two units."""
    kecamatan = KecamatanFactory()
    partners = []
    for n in range(30):
        partner = PartnerFactory(name=f"Dapur {n:02d}", kecamatan=kecamatan)
        CateringProductFactory(title=f"Nasi Kotak {n:02d}", partner=partner, price=25_000)
        partners.append(partner)
    w = build_world()  # a unit (and one more MSME, without a kecamatan)
    return {"kecamatan": kecamatan, "partners": partners, "units": [w.unit.pk]}


def simulate(city, scenario, orders=60):
    return fairness.simulate(
        scenario,
        orders=orders,
        seed=fairness.SEED,
        units=city["units"],
        kecamatans=[city["kecamatan"].pk],
        home_kecamatan=city["kecamatan"].pk,
        vendors=len(city["partners"]),
    )


def by_name(name):
    return next(s for s in fairness.scenarios() if s.name.startswith(name))


def test_newest_first_pays_only_the_first_page_and_pemerataan_pays_everyone(small_city):
    newest = simulate(small_city, by_name("newest"))
    pemerataan = simulate(small_city, by_name("Pemerataan, one"))

    assert newest.paid <= fairness.PAGE < len(small_city["partners"])
    # Each sale moves its MSME down the page: MSMEs beyond the first page get paid too.
    assert pemerataan.paid > fairness.PAGE
    assert pemerataan.top_share < newest.top_share
    assert pemerataan.gini < 0.4 < newest.gini
    assert sum(pemerataan.spend.values()) == 60 * 25_000 * fairness.QUANTITY
    assert newest.listings == 1  # newest does not read the sales: one first page for every order
    assert pemerataan.listings == 60  # a sale on the page changes Pemerataan's page: read again


def test_going_back_to_the_usual_vendor_concentrates_spending(small_city):
    loyal = simulate(small_city, by_name("Pemerataan + 60%"), orders=100)

    assert loyal.repeats == pytest.approx(60, abs=12)
    assert loyal.top_share > simulate(small_city, by_name("Pemerataan, one"), orders=100).top_share


def test_the_store_is_called_as_the_orders_land_and_pages_follow_it(small_city):
    stored = []

    def store(*, sales, partner_ids):
        stored.append(dict(sales))
        return partner_sales_store(sales=sales, partner_ids=partner_ids)

    fairness.simulate(
        by_name("Pemerataan, one"),
        orders=5,
        seed=3,
        units=small_city["units"],
        kecamatans=[small_city["kecamatan"].pk],
        home_kecamatan=small_city["kecamatan"].pk,
        vendors=30,
        store=store,
    )
    assert len(stored) == 5
    assert all(amount == 25_000 * fairness.QUANTITY for sale in stored for amount in sale.values())
    assert len({pk for sale in stored for pk in sale}) == 5  # each order went to a vendor not yet paid


def test_run_prints_every_scenario_and_leaves_the_data_set_as_it_was(small_city):
    before = dict(Partner.objects.values_list("pk", "sales_90d_idr"))
    products_before = dict(Product.objects.values_list("pk", "vendor_sales_90d_idr"))
    out = StringIO()

    results = fairness.run(quick=True, stdout=out, orders=40)

    text = out.getvalue()
    for scenario in fairness.scenarios():
        assert scenario.name in text
    assert len(results) == len(fairness.scenarios())
    for realistic in results[-2:]:
        assert realistic.name.startswith("realistic mix")
        assert realistic.goal and realistic.met is not None
        assert {"top10_share", "gini", "vendors_paid"} <= set(realistic.extra)
    assert dict(Partner.objects.values_list("pk", "sales_90d_idr")) == before
    assert dict(Product.objects.values_list("pk", "vendor_sales_90d_idr")) == products_before


def test_the_rotation_sends_repeats_beyond_the_monthly_limit_to_comparable_offers(small_city):
    """The realistic mix with the project's rotation rule: an officer going back to the usual MSME
    past the month's limit takes a comparable offer instead (the order page's), so no unit pays
    one MSME more than the limit in a month, and the spending spreads."""
    loyal = by_name("Pemerataan + 60% back to the usual MSME, one")
    rotating = by_name("Pemerataan + 60% back to the usual MSME + rotation")
    assert rotating.rotation and not loyal.rotation
    orders = 240  # 20 a month for one unit: the limit of 2 bites every month
    without = simulate(small_city, loyal, orders=orders)
    with_rule = fairness.simulate(
        rotating,
        orders=orders,
        seed=fairness.SEED,
        units=small_city["units"],
        kecamatans=[small_city["kecamatan"].pk],
        home_kecamatan=small_city["kecamatan"].pk,
        vendors=len(small_city["partners"]),
        rotation_limit=2,
    )
    assert with_rule.switched > 0
    assert with_rule.repeats <= 2 * fairness.MONTHS  # at most the limit a month to the usual MSME
    assert without.repeats > with_rule.repeats
    assert with_rule.top_share < without.top_share
    assert with_rule.gini < without.gini


def test_every_scenario_with_repeats_has_a_rotation_twin():
    names = {s.name for s in fairness.scenarios()}
    for scenario in fairness.scenarios():
        if scenario.repeat and not scenario.rotation:
            assert any(
                n != scenario.name and "rotation" in n and n.startswith(scenario.name.split(",")[0])
                for n in names
            )
