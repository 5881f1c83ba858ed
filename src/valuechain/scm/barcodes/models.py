"""Tables of barcodes: where RFID reader antennas stand, and the tag reads they sent."""

from __future__ import annotations

from django.db import models

from valuechain.platform.tenancy.models import TenantOwned

READ_OUTCOMES = ("moved", "unchanged", "unknown")


class ReaderAntenna(TenantOwned):
    """An RFID reader's antenna and the inventory location it watches."""

    reader = models.CharField(max_length=60)  # the reader's id as it reports it
    antenna = models.PositiveSmallIntegerField(default=1)
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100, blank=True)  # e.g. "Dock door 2"
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "reader", "antenna"], name="reader_antenna_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reader}#{self.antenna}"


class TagRead(TenantOwned):
    """One EPC seen by a reader antenna at a time, what it decodes to and what it caused."""

    audited = False  # a log of what readers reported

    reader = models.CharField(max_length=60)
    antenna = models.PositiveSmallIntegerField(default=1)
    location = models.ForeignKey(
        "inventory.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    epc = models.CharField(max_length=64)  # hex, upper case, as read
    scheme = models.CharField(max_length=12, blank=True)  # "sgtin-96", "sscc-96", "" unknown
    gtin = models.CharField(max_length=14, blank=True)
    serial = models.CharField(max_length=20, blank=True)
    sscc = models.CharField(max_length=18, blank=True)
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=[(o, o) for o in READ_OUTCOMES])
    detail = models.CharField(max_length=200, blank=True)  # why unknown / where it moved
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "reader", "antenna", "epc", "read_at"],
                name="tag_read_unique",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "-read_at"], name="tag_read_by_time"),
            models.Index(fields=["tenant", "gtin", "serial"], name="tag_read_by_item"),
        ]

    def __str__(self) -> str:
        return f"{self.epc} @ {self.reader}#{self.antenna}"
