"""Write a version of an aid as interchange JSON (the current published one by default)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aids.interchange import export_version
from aids.interchange_translation import export_translation
from aids.models import Aid


class Command(BaseCommand):
    help = "Export a version of an aid as JSON (default: the current published version, to stdout)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Django adds its own --version (the Django version); ours selects the aid's.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The aid's slug, e.g. tractotomy.")
        parser.add_argument("--version", dest="number", type=int, help="Version number (default: current).")
        parser.add_argument("--output", help="Write to this file instead of stdout.")
        parser.add_argument(
            "--translation", metavar="LANGUAGE",
            help="Export the version's translation into this language (e.g. es) instead: the "
            "published one, or else the newest draft.")

    def handle(self, *args, slug, number=None, output=None, translation=None, **options):
        aid = Aid.objects.filter(slug=slug).first()
        if aid is None:
            known = ", ".join(Aid.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f'No aid with slug "{slug}" (aids: {known}).')
        if number is None:
            version = aid.current_version()
            if version is None:
                raise CommandError(f'The aid "{slug}" has no published version; give --version N.')
        else:
            version = aid.versions.filter(number=number).first()
            if version is None:
                numbers = ", ".join(
                    str(n) for n in aid.versions.exclude(number=None).order_by("number")
                    .values_list("number", flat=True)
                ) or "none"
                raise CommandError(
                    f'The aid "{slug}" has no version {number} (versions: {numbers}).'
                )

        document = export_version(version)
        if translation:
            found = version.translations.filter(language_code=translation)
            chosen = (found.filter(status="published").first()
                      or found.filter(status="draft").order_by("-created_at").first())
            if chosen is None:
                raise CommandError(f"{version} has no translation into {translation!r}.")
            document, version = export_translation(chosen), chosen
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}.")
            self.stderr.write(f"Wrote {version} to {output}.")
        else:
            self.stdout.write(text, ending="")
