"""The ``valuechain`` command: every management command, e.g. ``valuechain tenant create``."""

import os
import sys


def main() -> None:
    """Run a management command with valuechain's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuechain.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["valuechain", *sys.argv[1:]])


if __name__ == "__main__":
    main()
