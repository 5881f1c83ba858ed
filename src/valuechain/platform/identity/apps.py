"""App configuration for identity and access."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Identity and access: registers the admin menu entries and the login-time stamp."""

    name = "valuechain.platform.identity"
    label = "identity"
    verbose_name = "Identity and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from valuechain.platform.identity.middleware import stamp_login_time
        from valuechain.platform.web.registry import MenuItem, register_menu_item

        user_logged_in.connect(stamp_login_time, dispatch_uid="valuechain-login-time")
        register_menu_item(MenuItem("admin", "API tokens", "identity-tokens", "admin:read", 10))
        register_menu_item(MenuItem("admin", "Members", "identity-members", "admin:read", 20))
