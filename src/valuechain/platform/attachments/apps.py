"""App configuration for attachments."""

from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    """Documents attached to any record, checked by size and content type."""

    name = "valuechain.platform.attachments"
    label = "attachments"
    verbose_name = "Attachments"
