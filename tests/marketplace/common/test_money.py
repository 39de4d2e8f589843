"""Rupiah shown one way everywhere: `Rp 1.250.000`, whole rupiah, dot thousands."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from oscar.templatetags.currency_filters import currency

from marketplace.common.money import format_rupiah, to_stripe_amount


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (1250000, "Rp 1.250.000"),
        (Decimal("1250000.00"), "Rp 1.250.000"),
        ("1250000", "Rp 1.250.000"),
        (25000, "Rp 25.000"),
        (999, "Rp 999"),
        (0, "Rp 0"),
        (Decimal("0.00"), "Rp 0"),
        (1_500_000_000, "Rp 1.500.000.000"),
    ],
)
def test_format_rupiah_shows_whole_rupiah_with_dot_thousands(amount, shown):
    assert format_rupiah(amount) == shown


@pytest.mark.parametrize("value", ["", "abc", None, [], "12.500,00", "NaN", "Infinity"])
def test_format_rupiah_of_something_not_an_amount_is_empty(value):
    assert format_rupiah(value) == ""


@pytest.mark.parametrize("language", ["id", "en"])
def test_oscars_currency_filter_shows_rupiah_the_same_in_every_language(language):
    with translation.override(language):
        assert currency(Decimal("1250000.00"), "IDR") == "Rp 1.250.000"
        assert currency(Decimal("1250000.00")) == "Rp 1.250.000"


@pytest.mark.parametrize("language", ["id", "en"])
def test_rupiah_template_filter(language):
    template = Template("{% load rupiah %}{{ amount|rupiah }}|{{ missing|rupiah }}")
    with translation.override(language):
        assert template.render(Context({"amount": 1250000})) == "Rp 1.250.000|"


def test_project_and_oscar_format_the_same_amount_alike():
    assert format_rupiah(Decimal("37500")) == currency(Decimal("37500.00"), "IDR")


def test_stripe_amount_is_rupiah_times_100():
    assert to_stripe_amount(1250000) == 125_000_000
