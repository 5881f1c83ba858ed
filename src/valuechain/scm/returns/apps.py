"""App configuration for returns."""

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """Returns: Customer returns (RMA): authorisation, receipt, inspection, disposition, refunds."""

    name = "valuechain.scm.returns"
    label = "returns"
    verbose_name = "Returns"
