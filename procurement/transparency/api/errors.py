"""Every API error is JSON with a clear message in the reader's language:

    {"detail": "…", "code": "throttled", "retry_after": 42}

`code` is stable (for programs), `detail` is for people; a form error adds `errors`, the fields
with their messages.
"""

import math

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response
from rest_framework.views import set_rollback

from marketplace.common.domain import DomainError


def _message(exc) -> tuple[str, str]:
    if isinstance(exc, exceptions.Throttled):
        wait = math.ceil(exc.wait) if exc.wait is not None else None
        if wait:
            text = _("Too many requests: try again in %(seconds)d seconds.") % {"seconds": wait}
        else:
            text = _("Too many requests: try again in a moment.")
        return text, "throttled"
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Log in or send a token (Authorization: Token …) to use this endpoint."), "not_authenticated"
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _("The token or login is not valid."), "authentication_failed"
    if isinstance(exc, exceptions.PermissionDenied):
        detail = str(exc.detail)
        if detail == str(exceptions.PermissionDenied.default_detail):
            detail = _("You may not see this.")
        return detail, "permission_denied"
    if isinstance(exc, exceptions.NotFound):
        detail = str(exc.detail)
        if detail == str(exceptions.NotFound.default_detail):
            detail = _("Nothing was found here.")
        return detail, "not_found"
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("This endpoint does not accept this method."), "method_not_allowed"
    if isinstance(exc, exceptions.ParseError):
        return _("The request body is not valid JSON."), "parse_error"
    if isinstance(exc, exceptions.ValidationError):
        return _("Some values are not valid: see errors."), "invalid"
    return str(getattr(exc, "detail", exc)), getattr(exc, "default_code", "error")


def exception_handler(exc, context):
    """DRF's handler, answering every error as {"detail", "code"} (and what else helps)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DomainError):
        exc = exceptions.PermissionDenied(exc.message)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 (and its logging)
    detail, code = _message(exc)
    data = {"detail": detail, "code": code}
    headers = {}
    if isinstance(exc, exceptions.ValidationError):
        data["errors"] = exc.detail
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        data["retry_after"] = math.ceil(exc.wait)
        headers["Retry-After"] = str(math.ceil(exc.wait))
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(
        context.get("view"), "atomic", True
    ):  # a streaming view runs outside the request's transaction
        set_rollback()
    return Response(data, status=exc.status_code, headers=headers)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def not_found(request, *args, **kwargs):
    """Any path under /api/ that is no endpoint: a JSON 404, not the site's page."""
    raise exceptions.NotFound(_("There is no API endpoint at this address: see /api/docs/."))
