"""/api/docs/: Swagger UI from the installed drf-spectacular-sidecar (no CDN), under the site's CSP.

drf-spectacular's own page writes an inline <style> and an inline <script>, which the policy
refuses. This one (templates/transparency/api_docs.html) has neither: the "split" view serves
the start-up script from its own URL (/api/docs/?script), a script from this site like any other."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "transparency/api_docs.html"
    title = "Gulo Asem API"
