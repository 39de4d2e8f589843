"""Content-Security-Policy on every response: scripts and styles from this site only, the few
inline scripts with a nonce that is new on every request; no template writes what the policy
would refuse (inline style attributes, on...= handlers, inline scripts without the nonce)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'", "https://checkout.stripe.com"},  # Stripe Checkout: the card-payment redirect
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def nonce_of(directives, name) -> str:
    nonces = [v for v in directives[name] if v.startswith("'nonce-")]
    assert len(nonces) == 1, directives[name]
    return nonces[0][len("'nonce-") : -1]


def assert_policy(response):
    directives = policy(response)
    for name, values in EXPECTED.items():
        assert set(directives.get(name, [])) == values, (name, directives.get(name))
    for name in ("script-src", "style-src"):
        values = directives[name]
        assert "'self'" in values
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
        assert not [v for v in values if v not in ("'self'",) and not v.startswith("'nonce-")], values
    return directives


@pytest.fixture
def product(db):
    return ProductFactory(title="Lumpia Semarang Gang Lombok")


def pages(product):
    return {
        "home": "/",
        "catalogue": reverse("catalogue:index"),
        "login": reverse("account_login"),
        "product": product.get_absolute_url(),
        "guide": reverse("guide:index"),
    }


@pytest.mark.parametrize("name", ["home", "catalogue", "login", "product", "guide"])
def test_every_page_carries_the_policy_and_its_inline_script_the_nonce(client, product, name):
    response = client.get(pages(product)[name])

    assert response.status_code == 200
    directives = assert_policy(response)
    nonce = nonce_of(directives, "script-src")
    assert nonce == nonce_of(directives, "style-src")
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "the page has Oscar's onload script"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline), inline


def test_the_nonce_is_new_on_every_request(client, product):
    seen = {nonce_of(policy(client.get(product.get_absolute_url())), "script-src") for _ in range(3)}

    assert len(seen) == 3
    assert all(len(n) >= 22 for n in seen)  # 16 random bytes, base64


def test_a_missing_page_carries_the_policy_too(client):
    response = client.get("/tidak-ada-halaman-ini/")

    assert response.status_code == 404
    assert_policy(response)


def test_a_logged_in_page_and_a_redirect_carry_the_policy(client):
    assert_policy(client.get(reverse("ordering:order-list")))  # a redirect to the login page
    client.force_login(UserFactory())
    assert_policy(client.get(reverse("customer:notifications-inbox")))


def test_a_response_that_is_not_a_page_carries_the_policy(client):
    assert_policy(client.get("/healthz"))


# --- Templates write nothing the policy refuses ------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)
HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src|nonce)=)(?![^>]*application/(?:ld\+)?json)[^>]*>")
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_style_handler_or_script_without_nonce(path):
    text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
    text = re.sub(r"{%.*?%}", " ", text, flags=re.S)  # template tags (`{% if style == … %}`) are no markup

    assert not STYLE_ATTRIBUTE.search(text), "style= attribute: use a class in gulo/site.css"
    assert not HANDLER_ATTRIBUTE.search(text), "on...= attribute: bind it in a static script"
    assert not INLINE_SCRIPT.search(text), 'inline <script> without nonce="{{ CSP_NONCE }}"'
    assert not JAVASCRIPT_URL.search(text)


def test_oscars_dashboard_may_use_style_attributes_but_no_inline_script(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/dashboard/")

    assert response.status_code == 200
    dashboard = policy(response)
    shop = policy(client.get("/"))

    assert dashboard["style-src-attr"] == ["'unsafe-inline'"]
    assert (
        "'unsafe-inline'" not in dashboard["script-src"] and "'unsafe-inline'" not in dashboard["style-src"]
    )
    assert "script-src-attr" not in dashboard
    assert "style-src-attr" not in shop
