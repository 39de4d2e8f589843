"""Links in e-mails and the QR codes printed on the order letter and the BAST point at SITE_URL,
which `make run` sets from PORT (tests/marketplace/common/test_error_pages.py runs the Makefile):
on a demo served on port 8123 they open that demo, whatever address the browser used."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from procurement.ordering.models import DocumentSeal
from tests.procurement.ordering.test_documents import image_is_qr_of, pdf_text, received_order
from tests.procurement.ordering.world import build_world, place

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[1]
DEMO = "http://127.0.0.1:8123"  # what `make run PORT=8123` sets


@pytest.fixture
def w(settings):
    settings.SITE_URL = DEMO
    settings.ORDER_DELIVERED_SLACK_HOURS = 24 * 30  # the world's meetings are days ahead
    return build_world()


def test_the_demo_settings_take_the_site_url_and_debug_make_run_exports():
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DEBUG", "DJANGO_ENV")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", SITE_URL=DEMO + "/", DEBUG="false")
    code = (
        "from django.conf import settings as s; "
        "print(s.SITE_URL, s.DEBUG, s.SERVE_MEDIA, s.WHITENOISE_USE_FINDERS)"
    )

    printed = (
        subprocess.run(
            [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", code],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        .stdout.splitlines()[-1]
        .split()
    )

    assert printed == [DEMO, "False", "True", "True"]


def test_an_order_e_mail_links_to_the_running_demo(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        uo = place(w)

    assert mail.outbox
    for message in mail.outbox:
        assert f"{DEMO}/pesanan/{uo.pk}/" in message.body
        assert "127.0.0.1:8000" not in message.body


@pytest.mark.parametrize(
    ("name", "kind"), [("ordering:order-letter-pdf", "order_letter"), ("ordering:order-bast-pdf", "bast")]
)
def test_the_printed_qr_code_opens_the_running_demo_whatever_host_was_asked(client, w, name, kind):
    uo = received_order(w)
    client.force_login(w.officer)

    content = client.get(reverse(name, args=[uo.pk]), HTTP_HOST="localhost").content

    seal = DocumentSeal.objects.get(unit_order=uo, kind=kind)
    url = DEMO + reverse("ordering:document-verify", args=[seal.code])
    assert url in pdf_text(content)
    images = [img.image for page in PdfReader(io.BytesIO(content)).pages for img in page.images]
    assert any(image_is_qr_of(img, url) for img in images)
    assert "localhost" not in pdf_text(content)
