"""The `vuonlen` command: `vuonlen X ...` runs the Django management command X."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vuonlen.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vuonlen", *sys.argv[1:]])


if __name__ == "__main__":
    main()
