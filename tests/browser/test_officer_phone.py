"""An officer's pages fit a 375 px phone: basket, checkout, orders, an order, budget lines."""

import pytest

from tests.factories import PASSWORD
from tests.procurement.ordering.world import basket_for, build_world, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("path", ["/basket/", "/checkout/", "/pesanan/", "/pesanan/{order}/", "/anggaran/"])
def test_officer_page_fits_a_phone(phone_page, settings, path):
    settings.STAFF_MFA_REQUIRED = False
    w = build_world()
    order = place(w)
    basket_for(w.officer, (w.meal, 12))
    page = phone_page
    page.goto("/accounts/login/")
    page.fill("input[name=login]", w.officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    response = page.goto(path.format(order=order.pk))

    assert response.status == 200, f"{path} answered {response.status}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{path} is {width} px wide on a 375 px phone"
