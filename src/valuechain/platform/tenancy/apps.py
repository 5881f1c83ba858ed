"""App configuration for tenancy."""

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    """Registers the RLS installer that runs after every migrate."""

    name = "valuechain.platform.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from valuechain.platform.tenancy import rls

        post_migrate.connect(rls.install_policies_after_migrate, dispatch_uid="valuechain-rls")
