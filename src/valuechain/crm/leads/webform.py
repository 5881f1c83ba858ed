"""The public web-to-lead form of a tenant, embeddable in an iframe on the tenant's website.

CSRF: the form is posted from inside an iframe on another origin, where Django's CSRF
cookie is a third-party cookie that browsers block, so the view is ``csrf_exempt``. That is
safe here because the form acts for no one: there is no session, no signed-in user and
nothing to change but a new lead, which anyone may submit anyway. Abuse is held off by a
honeypot field (bots that fill it get the thank-you page and nothing is stored) and a rate
limit per client IP and tenant (Django's cache; 429 with a clear page).

Framing: the page (and its thank-you page) drop X-Frame-Options and send their own
Content-Security-Policy with ``frame-ancestors *``; every other page keeps ``'none'``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from valuechain.crm.leads import services
from valuechain.crm.leads.forms import UTM_FIELDS, WebLeadForm
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.middleware import CONTENT_SECURITY_POLICY
from valuechain.platform.tenancy.context import use_context
from valuechain.platform.tenancy.models import Tenant

EMBEDDABLE_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")
RATE_LIMIT = int(getattr(settings, "LEADS_WEB_FORM_RATE_LIMIT", 5))  # submissions per window
RATE_WINDOW_SECONDS = int(getattr(settings, "LEADS_WEB_FORM_RATE_WINDOW", 600))
HIDDEN_FROM_QUERY = ("campaign", *UTM_FIELDS)


def _active_tenant(slug: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
    if tenant is None:
        raise Http404("No such form.")
    return tenant


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let other sites frame the page: no X-Frame-Options, CSP frame-ancestors *."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = EMBEDDABLE_POLICY
        return response

    return xframe_options_exempt(wrapped)


def client_ip(request: HttpRequest) -> str:
    """The client's address as the server saw it (a trusted proxy sets REMOTE_ADDR)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def over_rate_limit(tenant: Tenant, ip: str) -> bool:
    """Count a submission; True when this IP sent more than the limit to this tenant."""
    key = f"leads:webform:{tenant.pk}:{ip}"
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW_SECONDS)
        return False
    return int(count) > RATE_LIMIT


def _render_form(
    request: HttpRequest, tenant: Tenant, form: WebLeadForm, status: int = 200
) -> HttpResponse:
    return render(request, "leads/web_form.html", {"tenant": tenant, "form": form}, status=status)


@csrf_exempt
@embeddable
def web_form(request: HttpRequest, slug: str) -> HttpResponse:
    """/forms/<tenant>/lead/: the public form (GET) and its submission (POST)."""
    tenant = _active_tenant(slug)
    if request.method != "POST":
        initial = {name: request.GET.get(name, "")[:100] for name in HIDDEN_FROM_QUERY}
        return _render_form(request, tenant, WebLeadForm(initial=initial))
    form = WebLeadForm(request.POST)
    if over_rate_limit(tenant, client_ip(request)):
        return render(
            request,
            "leads/web_form_limited.html",
            {"tenant": tenant, "minutes": RATE_WINDOW_SECONDS // 60},
            status=429,
        )
    thanks = redirect(reverse("leads-web-form-thanks", args=[tenant.slug]))
    if form.is_bot():
        return thanks  # a fake success: bots learn nothing, nothing is stored
    if not form.is_valid():
        return _render_form(request, tenant, form, status=422)
    # The visitor acts for no one, even when signed in elsewhere: no actor on the lead.
    with use_context(tenant=tenant, actor_id=None, bypass=False, channel="ui"):
        try:
            services.create_lead(**form.lead_arguments())
        except DomainError as error:
            form.add_domain_error(error.field, error.message)
            return _render_form(request, tenant, form, status=422)
    return thanks


@embeddable
def web_form_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """/forms/<tenant>/lead/thanks/: the thank-you page after a submission."""
    return render(request, "leads/web_form_thanks.html", {"tenant": _active_tenant(slug)})


@requires("admin", "read")
def web_form_settings(request: HttpRequest) -> HttpResponse:
    """/crm/leads/web-form/: the form's address and the snippet to embed it."""
    tenant = request.tenant  # type: ignore[attr-defined]
    url = request.build_absolute_uri(reverse("leads-web-form", args=[tenant.slug]))
    snippet = (
        f'<iframe src="{url}?utm_source=website" title="Contact {tenant.name}" '
        'width="100%" height="720" loading="lazy"></iframe>'
    )
    context = {
        "url": url,
        "snippet": snippet,
        "rate_limit": RATE_LIMIT,
        "minutes": RATE_WINDOW_SECONDS // 60,
    }
    return render(request, "leads/web_form_settings.html", context)
