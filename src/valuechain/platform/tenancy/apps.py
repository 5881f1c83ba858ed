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

        # post_migrate is sent once per app after the whole run; installing the policies
        # covers every table, so answering only this app's signal does it once, not ~50 times
        # (each test flush re-sends it, and 50 x ~500 DDL statements cost seconds).
        post_migrate.connect(
            rls.install_policies_after_migrate, sender=self, dispatch_uid="valuechain-rls"
        )
