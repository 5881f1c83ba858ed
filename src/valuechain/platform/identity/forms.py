"""Forms of the sign-in and settings pages; rules live in the services, not here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.domain import ALL_SCOPES, ROLE_CHOICES
from valuechain.platform.identity.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS


class SignInForm(AuthenticationForm):
    """E-mail and password; the e-mail is the username, compared in lower case."""

    username = UsernameField(
        label="E-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "E-mail or password is wrong.",
    }

    def clean_username(self) -> str:
        """Lower-case and trim the e-mail, as accounts store it."""
        return str(self.cleaned_data.get("username", "")).strip().lower()


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error next to its field, or above the form when no field matches."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class TokenForm(forms.Form):
    """Name, owner, scopes and lifetime of a new API token."""

    name = forms.CharField(max_length=100, help_text="What uses the token, e.g. 'shop sync'.")
    member = forms.TypedChoiceField(coerce=int, label="Acts for")
    scopes = forms.MultipleChoiceField(
        choices=[(scope, scope) for scope in ALL_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="A token can never do more than its member's role allows.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires in (days)",
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=TOKEN_DEFAULT_DAYS,
    )

    def __init__(self, *args: Any, member_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = member_choices  # type: ignore[attr-defined]


class MemberAddForm(forms.Form):
    """A person to add by e-mail, with a role; a password only for a new account."""

    email = forms.EmailField(label="E-mail")
    role = forms.ChoiceField(choices=ROLE_CHOICES)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(
        label="Initial password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Needed only when the e-mail has no account yet.",
    )


class MemberRoleForm(forms.Form):
    """A member's new role."""

    role = forms.ChoiceField(choices=ROLE_CHOICES)
