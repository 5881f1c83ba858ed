"""Use cases of paying suppliers: a payment against one bill, a received credit note applied
to one bill. Both lower what the bill still owes and move it to partially paid or paid;
neither may exceed it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.platform.money import normalize_currency
from valuechain.platform.numbering import next_number
from valuechain.scm.payables import domain
from valuechain.scm.payables.models import SupplierBill, SupplierCreditNote, SupplierPayment
from valuechain.scm.payables.services import (
    base_places,
    clean_amount,
    clean_date,
    document_rate,
    not_found,
)


def _locked_payable_bill(bill_id: Any, action: str) -> SupplierBill:
    """The bill, locked, when it may be paid or credited; else 404 or bill_not_payable."""
    bill = SupplierBill.objects.select_for_update().filter(pk=bill_id).first()
    if bill is None:
        raise not_found("bill", "bill_id")
    if bill.state not in domain.PAYABLE_STATES:
        raise DomainError(
            "bill_not_payable",
            f"{bill.number} is {bill.state.replace('_', ' ')}: only posted or approved bills "
            f"with something left to pay can be {action}.",
            field="bill_id",
            status=409,
            details={"state": bill.state},
        )
    return bill


def _settle(bill: SupplierBill) -> None:
    """The bill's payment state from what was paid and credited."""
    bill.state = domain.payment_state(
        bill.total, bill.paid_amount + bill.credited_amount, bill.state
    )
    bill.save()


def _exceeds(bill: SupplierBill, amount: Decimal, code: str, field: str) -> DomainError:
    """The 409 of a payment or credit larger than what the bill still owes."""
    return DomainError(
        code,
        f"{amount} {bill.currency} is more than the {bill.open_amount} {bill.currency} "
        f"{bill.number} still owes.",
        field=field,
        status=409,
        details={"open_amount": str(bill.open_amount)},
    )


@transaction.atomic
def register_payment(
    *,
    bill_id: int,
    amount: Decimal | str | int,
    paid_on: dt.date | str,
    currency: str = "",
    method: str = "transfer",
    reference: str = "",
) -> SupplierPayment:
    """Pay (part of) a bill in its currency; more than it still owes is refused."""
    bill = _locked_payable_bill(bill_id, "paid")
    paid_currency = normalize_currency(currency or bill.currency, "currency")
    if paid_currency != bill.currency:
        raise DomainError(
            "currency_mismatch",
            f"{bill.number} is in {bill.currency}; pay it in {bill.currency}.",
            field="currency",
        )
    value = clean_amount(amount, bill.currency, positive=True)
    if value > bill.open_amount:
        raise _exceeds(bill, value, "overpayment", "amount")
    day = clean_date(paid_on, "paid_on")
    rate = document_rate(bill.currency, day)
    payment = SupplierPayment.objects.create(
        number=next_number("spay", prefix="PAY-"),
        bill=bill,
        supplier_id=bill.supplier_id,
        paid_on=day,
        amount=value,
        currency=bill.currency,
        fx_rate=rate,
        base_amount=domain.to_base(value, rate, base_places()),
        method=clean_choice(method or "transfer", "method", domain.PAYMENT_METHODS),
        reference=clean_text(reference, "reference", 100),
    )
    bill.paid_amount += value
    _settle(bill)
    publish(
        "SupplierPaymentRegistered",
        {
            "payment_id": payment.pk,
            "bill_id": bill.pk,
            "amount": str(value),
            "currency": bill.currency,
            "bill_state": bill.state,
        },
    )
    return payment


@transaction.atomic
def apply_credit_note(credit_note_id: int, bill_id: int) -> SupplierCreditNote:
    """Set a received credit note off against one open bill of the same supplier and
    currency: the bill owes the credited amount less (a negative payment)."""
    note = SupplierCreditNote.objects.select_for_update().filter(pk=credit_note_id).first()
    if note is None:
        raise not_found("credit_note")
    if note.state != "received" or note.applied_bill_id is not None:
        raise DomainError(
            "credit_note_not_applicable",
            f"{note.number} is {note.state}"
            + (" and applied already" if note.applied_bill_id else "")
            + ": only a received credit note not yet applied can be set off against a bill.",
            status=409,
        )
    bill = _locked_payable_bill(bill_id, "credited")
    if bill.supplier_id != note.supplier_id or bill.currency != note.currency:
        raise DomainError(
            "credit_note_mismatch",
            f"{note.number} is a {note.currency} credit of another supplier or currency than "
            f"{bill.number}.",
            field="bill_id",
        )
    if note.amount > bill.open_amount:
        raise _exceeds(bill, note.amount, "credit_exceeds_open", "bill_id")
    note.applied_bill = bill
    note.applied_at = timezone.now()
    note.save()
    bill.credited_amount += note.amount
    _settle(bill)
    publish(
        "SupplierCreditNoteApplied",
        {"credit_note_id": note.pk, "bill_id": bill.pk, "amount": str(note.amount)},
    )
    return note
