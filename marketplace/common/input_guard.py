"""Refuse requests carrying a NUL character before any view sees them.

PostgreSQL text cannot hold NUL ("A string literal cannot contain NUL (0x00) characters"),
so `?q=%00` or a form field with `\\x00` would end in a 500 wherever the value reaches a query.
No person types one; the request is answered 400 with a message, and nothing runs.
"""

from django.utils.translation import gettext as _

from marketplace.common.errors import bad_request

NUL = "\x00"


def _holds_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulMiddleware:
    """400 for a NUL in the path, the query string or the form data (file names included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _holds_nul(request.GET) or self._post_holds_nul(request):
            return bad_request(
                request,
                message=_(
                    "What was sent contains a character that is not allowed (NUL). Remove it and try again."
                ),
            )
        return self.get_response(request)

    @staticmethod
    def _post_holds_nul(request) -> bool:
        if request.method != "POST":
            return False
        if _holds_nul(request.POST):
            return True
        return any(NUL in (upload.name or "") for upload in request.FILES.values())
