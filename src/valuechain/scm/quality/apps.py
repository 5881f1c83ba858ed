"""App configuration for quality."""

from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Quality: Inspection plans, inspections, holds and release, defect rates."""

    name = "valuechain.scm.quality"
    label = "quality"
    verbose_name = "Quality"
