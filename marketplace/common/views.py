from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from marketplace.common import health


@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    """JSON health check for load balancers: 200 when every part is ok, else 503."""
    parts = {"database": health.database_status()}
    ok = all(v == "ok" for v in parts.values())
    return JsonResponse({"status": "ok" if ok else "error", **parts}, status=200 if ok else 503)
