"""Pages shown to a logged-in person are theirs alone: no shared cache or browser history keeps them.

Every response to a logged-in person (the verifier's review, registration steps, the MSME's
profile, orders, budgets, document downloads…) may carry personal data, so it is sent with
`Cache-Control: private, no-store` (plus Django's never-cache headers), whatever the view set.
Public pages seen anonymously (catalogue, MSME pages, transparency) keep their own headers.
"""

from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers.pop("Cache-Control", None)
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response
