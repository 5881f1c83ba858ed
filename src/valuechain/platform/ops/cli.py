"""Shared pieces of the `valuechain` management commands: errors, tables, prompts, boxes."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from django.core.management.base import CommandError

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import use_context


@contextmanager
def cli_command() -> Iterator[None]:
    """Run a command in the "cli" channel and turn DomainError into CommandError."""
    with use_context(channel="cli"):
        try:
            yield
        except DomainError as error:
            raise CommandError(error.message) from error


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns separated by two spaces, header first, no trailing blanks."""
    widths = [len(header) for header in headers]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [list(headers), *rows]
    ]


def render_box(lines: Sequence[str]) -> list[str]:
    """Frame lines in an ASCII box so they stand out in a scrolling terminal."""
    width = max(len(line) for line in lines)
    edge = "+" + "-" * (width + 2) + "+"
    return [edge, *(f"| {line.ljust(width)} |" for line in lines), edge]


def is_interactive(stream: TextIO | None = None) -> bool:
    """True when a person can answer prompts on standard input."""
    stream = stream or sys.stdin
    return bool(stream and stream.isatty())


def prompt_password() -> str | None:
    """Ask twice for a password on a terminal; None when left empty (generate one)."""
    first = getpass.getpass("Password (leave empty to generate one): ")
    if not first:
        return None
    if getpass.getpass("Password again: ") != first:
        raise CommandError("The passwords do not match.")
    return first


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; only "yes" agrees."""
    return input(f"{question} Type 'yes' to continue: ").strip().lower() == "yes"
