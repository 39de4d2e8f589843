"""The taxes of an invoice, table-driven: PBJT, PPh final with PP 55, PPh 23 with and without NPWP."""

from datetime import date, timedelta

import pytest

from procurement.settlement import taxes
from procurement.settlement.models import TaxRule
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

K = TaxRule.Kind
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def rules(db):
    """The Semarang pack's rules, as tax-rules.csv ships them."""
    for kind, bp, since in (
        (K.PBJT, 1000, date(2024, 1, 1)),
        (K.PPH_FINAL, 50, date(2022, 12, 20)),
        (K.PPH23, 200, date(2009, 1, 1)),
        (K.PPH23_NO_NPWP, 400, date(2009, 1, 1)),
    ):
        TaxRule.objects.create(kind=kind, rate_bp=bp, valid_from=since, legal_basis="uji")


def vendor(*, pp55_until=None, pp55_from=None, npwp="337401150890000", collector=False):
    return VendorFactory.build(
        pp55_number="KET-00001/PP55/WPJ.10/2026" if pp55_until else "",
        pp55_valid_from=pp55_from,
        pp55_valid_until=pp55_until,
        npwp=npwp,
        pbjt_collector=collector,
        pbjt_tax_number="973.01/0001/2024" if collector else "",
    )


CASES = [
    # id, vendor facts, subtotal, (pbjt, pph kind, pph, total, net)
    ("pph23-with-npwp", {}, 1_000_000, (0, K.PPH23, 20_000, 1_000_000, 980_000)),
    ("pp55-valid", {"pp55_until": TODAY}, 1_000_000, (0, K.PPH_FINAL, 5_000, 1_000_000, 995_000)),
    (
        "pp55-expired",
        {"pp55_until": TODAY - timedelta(days=1)},
        1_000_000,
        (0, K.PPH23, 20_000, 1_000_000, 980_000),
    ),
    (
        "pp55-not-yet-valid",
        {"pp55_from": TODAY + timedelta(days=1), "pp55_until": TODAY + timedelta(days=365)},
        1_000_000,
        (0, K.PPH23, 20_000, 1_000_000, 980_000),
    ),
    ("no-npwp", {"npwp": ""}, 1_000_000, (0, K.PPH23_NO_NPWP, 40_000, 1_000_000, 960_000)),
    ("nik-as-npwp", {"npwp": "3374011508900001"}, 1_000_000, (0, K.PPH23, 20_000, 1_000_000, 980_000)),
    (
        "pbjt-collector-with-pp55",
        {"collector": True, "pp55_until": TODAY},
        1_000_000,
        (100_000, K.PPH_FINAL, 5_000, 1_100_000, 1_095_000),
    ),
    (
        "pbjt-collector-without-npwp",
        {"collector": True, "npwp": ""},
        250_000,
        (25_000, K.PPH23_NO_NPWP, 10_000, 275_000, 265_000),
    ),
    ("rounding-half-up", {}, 333, (0, K.PPH23, 7, 333, 326)),
]


@pytest.mark.parametrize("facts, subtotal, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_taxes_follow_the_rules_in_force(facts, subtotal, expected):
    figures = taxes.taxes_compute(subtotal_idr=subtotal, vendor=vendor(**facts), on=TODAY)

    got = (figures.pbjt_idr, figures.pph_kind, figures.pph_idr, figures.total_idr, figures.net_idr)
    assert got == expected


def test_pbjt_is_not_charged_below_the_rules_threshold():
    TaxRule.objects.filter(kind=K.PBJT).update(threshold_idr=500_000)

    below = taxes.taxes_compute(subtotal_idr=499_999, vendor=vendor(collector=True), on=TODAY)
    at = taxes.taxes_compute(subtotal_idr=500_000, vendor=vendor(collector=True), on=TODAY)

    assert (below.pbjt_idr, at.pbjt_idr) == (0, 50_000)


def test_the_rule_in_force_is_the_latest_started_one_not_ended():
    TaxRule.objects.create(kind=K.PPH23, rate_bp=300, valid_from=date(2027, 1, 1), legal_basis="uji")
    TaxRule.objects.create(
        kind=K.PBJT, rate_bp=800, valid_from=date(2026, 6, 1), valid_to=date(2026, 6, 30), legal_basis="promo"
    )

    assert taxes.rule_in_force(kind=K.PPH23, on=TODAY).rate_bp == 200
    assert taxes.rule_in_force(kind=K.PPH23, on=date(2027, 1, 1)).rate_bp == 300
    assert taxes.rule_in_force(kind=K.PBJT, on=date(2026, 6, 15)).rate_bp == 800
    assert taxes.rule_in_force(kind=K.PBJT, on=date(2026, 7, 1)).rate_bp == 1000


def test_a_missing_rule_is_named():
    TaxRule.objects.filter(kind=K.PPH23).delete()

    with pytest.raises(taxes.MissingTaxRule, match="pph23"):
        taxes.taxes_compute(subtotal_idr=100_000, vendor=vendor(), on=TODAY)
