"""Error pages in the site's layout and language: 400 (with what was wrong), 403 (a page for
another role, or a form the CSRF check refused), 404 and 500 (no layout: it must not fail)."""

import logging

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import translation
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


def permission_denied(request, exception=None):
    """The 403 page (handler403): a page for another role, in the site's layout.

    Django's own handler renders the same template, but a layout that fails to draw would turn
    the refusal into a 500; here a plain Indonesian page is sent instead."""
    return _forbidden(request, {})


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without its security token (opened too long ago, or from
    another site) is refused in Indonesian, with what to do, instead of Django's English page."""
    logger.warning("CSRF check refused %s %s: %s", request.method, request.path, reason)
    return _forbidden(request, {"csrf_failed": True})


def _forbidden(request, context):
    try:
        return render(request, "403.html", context, status=403)
    except Exception:  # an error page must not become a 500
        logger.exception("The 403 page could not be rendered in the layout")
        return HttpResponseForbidden(
            _("This page is for another role: your account may not open it."),
            content_type="text/plain; charset=utf-8",
        )


def server_error(request):
    """The 500 page (handler500): in the person's language (Indonesian unless they chose
    another), drawn without the request, the database or the context processors (any of them
    may be what failed); plain text if even that fails."""
    try:
        body = loader.get_template("500.html").render(
            {"shop_name": settings.OSCAR_SHOP_NAME, "LANGUAGE_CODE": translation.get_language()}
        )
    except Exception:
        logger.exception("The 500 page could not be rendered")
        body = _("Something went wrong on our side. Try again in a few minutes.")
        return HttpResponseServerError(body, content_type="text/plain; charset=utf-8")
    return HttpResponseServerError(body)
