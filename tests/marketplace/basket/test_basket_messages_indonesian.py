"""What an officer reads in the basket flow is Indonesian, in the shop's words: Oscar's own
catalogue says "troli belanja" and leaves "to" in "telah turun dari Rp 150.000 to Rp 35.000";
the project's catalogue (LOCALE_PATHS, read before Oscar's) words them with "keranjang"."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from oscar.core.loading import get_model

from tests.procurement.ordering.world import basket_for, build_world

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")

# Words that give an English message away, and Oscar's word for a basket we do not use.
ENGLISH = {
    "the", "to", "your", "basket", "has", "been", "added", "price", "since", "you", "it", "is",
    "now", "removed", "saved", "later", "view", "checkout", "of", "from", "increased",
    "decreased", "copies", "items", "quantity", "please", "errors",
}  # fmt: skip
NOT_OUR_WORDS = ("troli", "belanjaan")


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", str(markup))).split())


def assert_indonesian(message: str, product_titles=()) -> None:
    text = text_of(message)
    for title in product_titles:  # the product's own name may hold any word ("Snack Box")
        text = text.replace(title, " ")
    words = set(re.findall(r"[a-z]+", text.lower()))
    assert not words & ENGLISH, f"English in {text!r}: {sorted(words & ENGLISH)}"
    assert not any(word in text.lower() for word in NOT_OUR_WORDS), text
    assert words & {"keranjang", "anda", "harga", "sudah", "sekarang", "jumlah", "pesan"}, text


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def w(client):
    world = build_world()
    client.force_login(world.officer)
    return world


def basket_formset(line, **fields) -> dict:
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(line.pk),
        "form-0-quantity": str(line.quantity),
    }
    data.update({f"form-0-{name}": value for name, value in fields.items()})
    return data


def test_adding_to_the_basket_says_so_in_indonesian(w, client):
    response = client.post(reverse("basket:add", args=[w.snack.pk]), {"quantity": 12})

    messages = flashed(response)
    assert messages, "adding says what happened"
    for message in messages:
        assert_indonesian(message, [w.snack.title])
    joined = text_of(" ".join(messages))
    assert "dimasukkan ke keranjang" in joined
    assert "Total keranjang Anda sekarang" in joined and "Rp 240.000" in joined


def test_a_changed_price_is_told_in_indonesian_with_both_prices(w, client):
    basket_for(w.officer, (w.meal, 10))  # added at Rp 35.000
    record = w.meal.stockrecords.get()
    record.price = 30_000
    record.save()

    page = text_of(client.get(reverse("basket:summary")).content.decode())

    assert (
        f"Harga '{w.meal.title}' turun dari Rp 35.000 menjadi Rp 30.000 sejak Anda memasukkannya ke keranjang"
        in page
    )
    assert "troli" not in page.lower() and " to Rp" not in page

    record.price = 38_000
    record.save()
    page = text_of(client.get(reverse("basket:summary")).content.decode())
    assert f"Harga '{w.meal.title}' naik dari Rp 35.000 menjadi Rp 38.000" in page


def test_changing_the_quantity_saving_for_later_and_removing_are_indonesian(w, client):
    basket = basket_for(w.officer, (w.snack, 10))
    line = basket.all_lines()[0]
    url = reverse("basket:summary")

    updated = client.post(url, basket_formset(line, quantity="15"))
    line.refresh_from_db()
    assert line.quantity == 15
    for message in flashed(updated):
        assert_indonesian(message, [w.snack.title])
    assert "Rp 300.000" in text_of(" ".join(flashed(updated)))

    # Oscar shows "saved for later" only to its AJAX basket (the page's script), as JSON.
    saved = client.post(
        url, basket_formset(line, save_for_later="on"), headers={"x-requested-with": "XMLHttpRequest"}
    )
    told = [text_of(m) for level in saved.json()["messages"].values() for m in level]
    assert f"{w.snack.title} disimpan untuk dipesan nanti" in told
    assert "troli" not in saved.json()["content_html"].lower()
    saved_line = Basket.saved.get(owner=w.officer).all_lines()[0]
    moved = client.post(
        reverse("basket:saved"),
        {
            "saved-TOTAL_FORMS": "1",
            "saved-INITIAL_FORMS": "1",
            "saved-MIN_NUM_FORMS": "0",
            "saved-MAX_NUM_FORMS": "1000",
            "saved-0-id": str(saved_line.pk),
            "saved-0-quantity": "15",
            "saved-0-move_to_basket": "on",
        },
    )
    for message in flashed(moved):
        assert_indonesian(message, [w.snack.title])

    line = Basket.open.get(owner=w.officer).all_lines()[0]
    removed = client.post(url, basket_formset(line, DELETE="on"))
    messages = flashed(removed)
    assert messages
    for message in messages:
        assert_indonesian(message, [w.snack.title])
    assert "Keranjang Anda sekarang kosong" in text_of(" ".join(messages))


def test_an_invalid_quantity_is_refused_in_indonesian(w, client):
    basket = basket_for(w.officer, (w.snack, 10))
    line = basket.all_lines()[0]

    response = client.post(reverse("basket:summary"), basket_formset(line, quantity="-3"))

    messages = flashed(response)
    assert messages
    for message in messages:
        assert_indonesian(message)
    assert "Ada masalah pada keranjang Anda" in text_of(" ".join(messages))


def test_oscars_basket_words_are_ours_wherever_oscar_uses_them():
    """The messages of Oscar's that this catalogue rewords, through Django's own lookup."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("id"):
        assert gettext("Baskets") == "Keranjang"
        assert gettext("Move to Basket") == "Pindahkan ke keranjang"
        assert gettext("In stock (%d available)") % 5 == "Tersedia (5)"
        assert (
            gettext("a maximum of %(max)d can be bought") % {"max": 3} == "paling banyak 3 yang dapat dipesan"
        )
