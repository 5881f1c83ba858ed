"""Pages of identity: sign-in, API tokens and members; thin, the services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity import queries, services
from valuechain.platform.identity.decorators import request_permissions, requires
from valuechain.platform.identity.domain import ROLE_CHOICES, allows
from valuechain.platform.identity.forms import (
    MemberAddForm,
    MemberRoleForm,
    SignInForm,
    TokenForm,
    add_domain_error,
)


class SignInView(LoginView):
    """E-mail and password; axes counts failures and answers with the lockout page."""

    template_name = "identity/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


# --- API tokens ---------------------------------------------------------------------------


def _member_choices() -> list[tuple[int, str]]:
    """Active members of the tenant as (id, 'e-mail (role)') choices."""
    return [
        (member.pk, f"{member.user.email} ({member.get_role_display()})")
        for member in queries.active_members()
    ]


def _tokens_page(
    request: HttpRequest,
    form: TokenForm,
    *,
    created: Any = None,
    raw_token: str = "",
) -> HttpResponse:
    """Render the token list with the create form (and a new token's value, once)."""
    context = {
        "tokens": queries.tokens().order_by("-created_at", "-pk"),
        "form": form,
        "created": created,
        "raw_token": raw_token,
        "can_write": allows(request_permissions(request), "admin", "write"),
    }
    response = render(request, "identity/tokens.html", context)
    if raw_token:
        response["Cache-Control"] = "no-store"  # the secret must not linger in any cache
    return response


def _blank_token_form(request: HttpRequest) -> TokenForm:
    """A create form preset to the signed-in member and the default lifetime."""
    return TokenForm(
        member_choices=_member_choices(),
        initial={"member": request.membership.pk},  # type: ignore[attr-defined]
    )


@require_GET
@requires("admin", "read")
def token_list(request: HttpRequest) -> HttpResponse:
    """The tenant's API tokens and a form to create one."""
    return _tokens_page(request, _blank_token_form(request))


@require_POST
@requires("admin", "write")
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show its value this one time."""
    form = TokenForm(request.POST, member_choices=_member_choices())
    if form.is_valid():
        try:
            owner = queries.member(form.cleaned_data["member"])
            token, raw = services.create_token(
                owner,
                form.cleaned_data["name"],
                form.cleaned_data["scopes"],
                form.cleaned_data["expires_in_days"],
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _tokens_page(request, _blank_token_form(request), created=token, raw_token=raw)
    return _tokens_page(request, form)


@require_POST
@requires("admin", "write")
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke a token and go back to the list."""
    try:
        token = services.revoke_token(token_id, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Token {token.display_prefix} ({token.name}) is revoked.")
    return redirect("identity-tokens")


# --- members ------------------------------------------------------------------------------


def _members_page(
    request: HttpRequest,
    form: MemberAddForm,
    *,
    row_errors: dict[int, str] | None = None,
) -> HttpResponse:
    """Render the member list with the add form."""
    context = {
        "members": queries.members().order_by("email", "pk"),
        "form": form,
        "role_choices": ROLE_CHOICES,
        "row_errors": row_errors or {},
        "can_write": allows(request_permissions(request), "admin", "write"),
    }
    return render(request, "identity/members.html", context)


@require_GET
@requires("admin", "read")
def member_list(request: HttpRequest) -> HttpResponse:
    """The tenant's members with their roles."""
    return _members_page(request, MemberAddForm())


@require_POST
@requires("admin", "write")
def member_add(request: HttpRequest) -> HttpResponse:
    """Add a person by e-mail."""
    form = MemberAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.add_member_by_email(
                data["email"],
                data["role"],
                actor=request.user,
                password=data["password"] or None,
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                f"{membership.user.email} is now a member ({membership.get_role_display()}).",
            )
            return redirect("identity-members")
    return _members_page(request, form)


@require_POST
@requires("admin", "write")
def member_update(request: HttpRequest, member_id: int) -> HttpResponse:
    """Change a member's role, or deactivate or reactivate them."""
    action = request.POST.get("action", "role")
    try:
        if action == "deactivate":
            membership = services.deactivate_member(member_id, actor=request.user)
            notice = f"{membership.user.email} is deactivated and their API tokens revoked."
        elif action == "reactivate":
            membership = services.reactivate_member(member_id, actor=request.user)
            notice = f"{membership.user.email} is active again."
        elif action == "role":
            form = MemberRoleForm(request.POST)
            if not form.is_valid():
                raise DomainError("invalid_role", "Choose one of the listed roles.", field="role")
            membership = services.change_role(member_id, form.cleaned_data["role"], request.user)
            notice = f"{membership.user.email} is now {membership.get_role_display()}."
        else:
            raise DomainError("invalid_action", f"Unknown action {action!r}.", field="action")
    except DomainError as error:
        if error.status == 404:
            messages.error(request, error.message)
            return redirect("identity-members")
        return _members_page(request, MemberAddForm(), row_errors={member_id: error.message})
    messages.success(request, notice)
    return redirect("identity-members")
