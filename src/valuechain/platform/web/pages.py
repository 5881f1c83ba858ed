"""What every list and form page does the same way: paginate, run a service, answer 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest

from valuechain.platform.errors import DomainError


class ShowsDomainErrors(Protocol):
    """A form that can place a service's refusal next to the field it names."""

    def add_domain_error(self, error: DomainError) -> None:
        """Show the error next to its field, or above the form."""


def paginated(request: HttpRequest, rows: Any, per_page: int) -> Page[Any]:
    """The page of ``rows`` the request's ``page`` parameter asks for (the last when too far)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def call_service(form: ShowsDomainErrors, call: Callable[[], Any]) -> Any:
    """Run a service; None, with the error shown on the form, when the service refused."""
    try:
        return call()
    except DomainError as error:
        form.add_domain_error(error)
        return None


def found_or_404(read: Callable[[int], Any], pk: int) -> Any:
    """What ``read(pk)`` returns; a 404 page when the record is not the tenant's or is gone."""
    try:
        return read(pk)
    except DomainError:
        raise Http404("Not found.") from None
