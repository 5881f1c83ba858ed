"""App configuration for catalog."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Catalog: products, variants, units, price lists, kits, related products, search."""

    name = "valuechain.scm.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search
        from valuechain.scm.catalog import queries
        from valuechain.scm.catalog.demo import seed_catalog

        register_menu_item(
            MenuItem("scm", "Products", "catalog-product-list", "scm:read", order=10)
        )
        register_menu_item(
            MenuItem("scm", "Price lists", "catalog-price-list-list", "scm:read", order=12)
        )
        register_search("product", "scm:read", queries.search_products)
        register_demo_seeder("catalog", seed_catalog, order=30)
