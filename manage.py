#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys

# Commands that only read the code (the system checks, migrations against the models)
# need no secret: with nothing set at all (a fresh checkout, before ./scripts/run has
# written var/local.env) they run in local mode, as ./scripts/run does. Every other
# command still needs DJANGO_SECRET_KEY, or DJANGO_DEBUG=true, as the server does.
CODE_ONLY_COMMANDS = {"check", "makemigrations"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdm.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if (command in CODE_ONLY_COMMANDS and "--deploy" not in sys.argv
            and not {"DJANGO_DEBUG", "DJANGO_SECRET_KEY"} & set(os.environ)):
        os.environ["DJANGO_DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
