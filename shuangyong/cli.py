"""The ``shuangyong`` console command: Django's management commands under one name.

``shuangyong migrate``, ``shuangyong serve``, ``shuangyong demo``,
``shuangyong import KIND FILE``, ``shuangyong export KIND [ID] -o FILE`` and
every other management command.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangyong.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "shuangyong"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
