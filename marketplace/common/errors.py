"""Error pages in the site's layout and language: 400 (with what was wrong) and 404."""

import logging

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def bad_request(request, exception=None, *, message: str = ""):
    """The 400 page (handler400): the site's layout, and `message` when there is one.

    Django's own handler renders `400.html` without the request, so the layout (menu, basket)
    could not be drawn; this one renders with it. Should the layout itself fail (a request
    refused before the session or the basket were read), a plain Indonesian page is sent."""
    try:
        return render(request, "400.html", {"message": message}, status=400)
    except Exception:  # an error page must not become a 500
        logger.exception("The 400 page could not be rendered in the layout")
        text = message or _(
            "The request could not be processed. Go back, check what you entered and try again."
        )
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
