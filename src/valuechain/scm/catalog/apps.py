"""App configuration for catalog."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Catalog: products, variants, units, price lists, kits, related products, search."""

    name = "valuechain.scm.catalog"
    label = "catalog"
    verbose_name = "Catalog"
