"""The health check endpoint for load balancers and monitoring."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from valuechain.platform.ops.services import health_report


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and queue state as JSON: 200 when all is well, 503 when anything is not."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
