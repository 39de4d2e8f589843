"""The Content-Security-Policy middleware: django-csp's, plus one allowance for Oscar's dashboard.

Oscar's dashboard (platform staff only) writes style="..." attributes in many of its templates
(chart bars, hidden bulk-action counters). Under the URL prefixes of
`CSP_STYLE_ATTRIBUTES_ALLOWED_UNDER` the policy adds `style-src-attr 'unsafe-inline'`: style
attributes only (they cannot run script); scripts keep the nonce rule there too.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        prefixes = tuple(getattr(settings, "CSP_STYLE_ATTRIBUTES_ALLOWED_UNDER", ()))
        if prefixes and request.path_info.startswith(prefixes):
            parts.update = {**(parts.update or {}), "style-src-attr": [UNSAFE_INLINE]}
        return parts
