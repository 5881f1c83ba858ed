"""App configuration for customers."""

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers: parties of the CRM; registers their menu entries and search providers."""

    name = "valuechain.crm.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from valuechain.crm.customers import customer360, importers, queries
        from valuechain.crm.customers.demo import seed_customers
        from valuechain.crm.customers.demo_interactions import seed_interactions
        from valuechain.platform.attachments.registry import register_attachable
        from valuechain.platform.customfields.registry import register_target
        from valuechain.platform.dataexchange.registry import register_importer
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search

        register_menu_item(
            MenuItem("crm", "Accounts", "customers-account-list", "crm:read", order=10)
        )
        register_menu_item(MenuItem("crm", "People", "customers-person-list", "crm:read", order=20))
        register_menu_item(
            MenuItem(
                "crm", "Unmatched interactions", "customers-unmatched-list", "crm:read", order=30
            )
        )
        register_menu_item(
            MenuItem("crm", "Duplicates", "customers-duplicate-list", "crm:read", order=40)
        )
        register_search("account", "crm:read", queries.search_accounts)
        register_search("person", "crm:read", queries.search_people)
        register_target("customers.account", "Account")
        register_target("customers.person", "Person")
        register_attachable("customers.account", "crm")
        register_attachable("customers.person", "crm")
        register_demo_seeder("customers", seed_customers, order=10)
        customer360.register_builtins()
        register_demo_seeder("interactions", seed_interactions, order=15)
        register_importer(importers.ACCOUNTS)
        register_importer(importers.CONTACTS)
