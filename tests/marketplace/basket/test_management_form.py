"""The basket page's formset: a POST with its management form missing, incomplete or garbled
changes nothing and says so, instead of Oscar's 500 (it reads `form-MIN_NUM_FORMS` unchecked)."""

from html import unescape

import pytest
from django.contrib.messages import get_messages
from oscar.core.loading import get_model

from tests.procurement.ordering.world import basket_for, build_world

pytestmark = pytest.mark.django_db

Line = get_model("basket", "Line")

MESSAGE = "Keranjang Anda tidak diubah: formulirnya tidak lengkap. Ubah jumlahnya sekali lagi."


@pytest.fixture
def shopping(client):
    w = build_world()
    basket = basket_for(w.officer, (w.snack, 10), (w.meal, 20))
    client.force_login(w.officer)
    return basket


def full_form(basket) -> dict:
    """What the basket page posts: the management form and one form per line."""
    lines = list(basket.all_lines())
    data = {
        "form-TOTAL_FORMS": str(len(lines)),
        "form-INITIAL_FORMS": str(len(lines)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, line in enumerate(lines):
        data |= {f"form-{i}-id": str(line.pk), f"form-{i}-quantity": str(line.quantity)}
    return data


def quantities(basket) -> dict[str, int]:
    """Read again from the database (the basket object caches its lines)."""
    return dict(Line.objects.filter(basket_id=basket.pk).values_list("product__title", "quantity"))


@pytest.mark.parametrize(
    "broken",
    [
        {"drop": ["form-MIN_NUM_FORMS", "form-MAX_NUM_FORMS"], "set": {"form-0-DELETE": "on"}},
        {"drop": ["form-MIN_NUM_FORMS"], "set": {"form-1-quantity": "0"}},
        {"drop": ["form-TOTAL_FORMS"], "set": {"form-0-DELETE": "on"}},
        {"drop": ["form-TOTAL_FORMS", "form-INITIAL_FORMS"], "set": {}},
        {"drop": [], "set": {"form-TOTAL_FORMS": "abc", "form-0-DELETE": "on"}},
        {"drop": [], "set": {"form-INITIAL_FORMS": "-5", "form-0-quantity": "3"}},
        {"drop": [], "set": {"form-TOTAL_FORMS": str(2**64), "form-0-quantity": "3"}},
    ],
)
def test_a_broken_management_form_changes_nothing_and_says_so(client, shopping, broken):
    before = quantities(shopping)
    data = full_form(shopping) | broken["set"]
    for name in broken["drop"]:
        data.pop(name)

    response = client.post("/basket/", data, follow=True)

    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]] if response.context else []
    assert MESSAGE in shown or MESSAGE in unescape(response.content.decode())
    assert quantities(shopping) == before


def test_a_complete_form_still_changes_the_quantities(client, shopping):
    data = full_form(shopping) | {"form-0-quantity": "15"}

    response = client.post("/basket/", data)

    assert response.status_code == 302
    assert MESSAGE not in [str(m) for m in get_messages(response.wsgi_request)]
    assert sorted(quantities(shopping).values()) == [15, 20]
