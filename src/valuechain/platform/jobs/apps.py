"""App configuration for background jobs."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs."""

    name = "valuechain.platform.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
