"""Pages of customer returns: the list, a return with its actions, the request form from
an order. Thin: services decide, queries read; a refusal shows next to its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import paginated
from valuechain.scm.orders.models import SalesOrder
from valuechain.scm.returns import domain, queries, services
from valuechain.scm.returns.models import ReturnAuthorization

PER_PAGE = 50
SORTS = {
    "-created_at": ("-created_at", "-pk"),
    "created_at": ("created_at", "pk"),
    "number": ("number",),
    "state": ("state", "-created_at"),
}


def _can(request: HttpRequest, area: str) -> bool:
    return allows(getattr(request, "permissions", frozenset()), area, "write")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    """Run a service; its refusal becomes an error message (a 404 for a missing record)."""
    try:
        result = call()
    except DomainError as error:
        if error.status == 404 and error.field is None:
            raise Http404(error.message) from error
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result


@requires("orders", "read")
def rma_list(request: HttpRequest) -> HttpResponse:
    """/scm/returns/: search by number, order or account; filter by state; sort; page."""
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "-created_at")
    rows = queries.rmas(queries.ReturnFilters(state=state or None, q=q or None)).order_by(
        *SORTS.get(sort, SORTS["-created_at"])
    )
    context = {
        "page": paginated(request, rows, PER_PAGE),
        "q": q,
        "state": state,
        "sort": sort,
        "states": domain.STATES,
    }
    return render(request, "returns/rma_list.html", context)


def _rma_or_404(rma_id: int) -> ReturnAuthorization:
    try:
        return queries.rma(rma_id)
    except ReturnAuthorization.DoesNotExist as exc:
        raise Http404("No such return.") from exc


@requires("orders", "read")
def rma_detail(request: HttpRequest, rma_id: int) -> HttpResponse:
    """/scm/returns/<id>/: lines, state, refund, and the actions the state allows."""
    rma = _rma_or_404(rma_id)
    context = {
        "rma": rma,
        "lines": rma.line_rows,  # type: ignore[attr-defined]
        "refund": rma.refund_row,  # type: ignore[attr-defined]
        "summary": queries.timeline_summary(rma),
        "can_customer": _can(request, "crm"),
        "can_warehouse": _can(request, "scm"),
        "conditions": domain.CONDITIONS,
        "dispositions": list(domain.DISPOSITIONS),
        "methods": domain.REFUND_METHODS,
    }
    return render(request, "returns/rma_detail.html", context)


@requires("crm", "write")
def rma_create(request: HttpRequest) -> HttpResponse:
    """/scm/returns/new/?order=<id>: a quantity and reason per shipped line."""
    order_id = _int(request.GET.get("order") or request.POST.get("order"))
    order = SalesOrder.objects.filter(pk=order_id).first() if order_id is not None else None
    if order is None:
        raise Http404("No such sales order.")
    lines = queries.returnable_lines(order)
    error: DomainError | None = None
    if request.method == "POST":
        wanted = [
            {
                "order_line_id": line.pk,
                "quantity": request.POST.get(f"quantity_{line.pk}", "").strip(),
                "reason_code": request.POST.get(f"reason_{line.pk}", "other"),
            }
            for line in lines
        ]
        wanted = [row for row in wanted if row["quantity"] not in ("", "0")]
        try:
            rma = services.request_return(
                order_id=order.pk, lines=wanted, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"{rma.number} requested.")
            return redirect("returns-detail", rma.pk)
    context = {
        "order": order,
        "lines": lines,
        "reasons": domain.REASON_CODES,
        "error": error,
        "posted": request.POST,
    }
    return render(request, "returns/rma_form.html", context, status=200)


@requires("orders", "read")
@require_POST
def rma_action(request: HttpRequest, rma_id: int, action: str) -> HttpResponse:
    """The buttons of the detail page; each checks its own permission."""
    post = request.POST
    customer: dict[str, tuple[Callable[[], Any], str]] = {
        "authorise": (lambda: services.authorise(rma_id), "Return authorised."),
        "reject": (lambda: services.reject(rma_id, note=post.get("note", "")), "Return rejected."),
        "cancel": (lambda: services.cancel(rma_id, note=post.get("note", "")), "Return cancelled."),
        "close": (
            lambda: services.close(rma_id, method=post.get("method", "refund")),
            "Return closed; the refund is recorded.",
        ),
    }
    warehouse: dict[str, tuple[Callable[[], Any], str]] = {
        "receive": (lambda: services.receive(rma_id, _received(rma_id, post)), "Goods received."),
        "inspect": (lambda: services.inspect(rma_id, _results(rma_id, post)), "Inspection saved."),
    }
    if action in customer:
        area, (call, success) = "crm", customer[action]
    elif action in warehouse:
        area, (call, success) = "scm", warehouse[action]
    elif action == "paid":
        refund = queries.refunds().filter(rma_id=rma_id).first()
        if refund is None:
            raise Http404("No refund yet.")
        area = "crm"
        call, success = (
            lambda: services.mark_refund_paid(refund.pk, reference=post.get("reference", "")),
            "Refund marked paid.",
        )
    else:
        raise Http404("No such action.")
    if not _can(request, area):
        messages.error(request, f"This needs the {area}:write permission, which your role lacks.")
        return redirect("returns-detail", rma_id)
    _run(request, call, success)
    return redirect("returns-detail", rma_id)


def _received(rma_id: int, post: Any) -> dict[int, Any]:
    return {line.pk: post.get(f"received_{line.pk}", "0") for line in queries.lines(rma_id)}


def _results(rma_id: int, post: Any) -> list[dict[str, Any]]:
    return [
        {
            "line_id": line.pk,
            "condition": post.get(f"condition_{line.pk}", ""),
            "disposition": post.get(f"disposition_{line.pk}", ""),
            "note": post.get(f"note_{line.pk}", ""),
        }
        for line in queries.lines(rma_id)
        if line.quantity_received > 0
    ]
