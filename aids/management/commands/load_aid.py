"""Load the bundled aid and publish it as version 1, once.

Safe to run on every deploy: when the aid already has a version, it does
nothing. Everything happens in one transaction, so a file that fails the
checks or the quality gates leaves no draft behind.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import aids
from aids.interchange import import_version, parse_document
from aids.interchange_format import InterchangeError, validate_document
from aids.models import Aid
from aids.publishing import PublishRefused, version_publish

CONTENT_DIR = Path(aids.__file__).resolve().parent / "content"
DEFAULT_FILE = CONTENT_DIR / "tractotomy.json"
CHANGE_NOTE = "First published version (bundled content)"


def resolve_bundled(name):
    """A path as given, or else a file of that name in aids/content/."""
    path = Path(name)
    if path.is_file():
        return path
    bundled = CONTENT_DIR / name
    if bundled.is_file():
        return bundled
    raise CommandError(f"File not found: {name} (looked there and in {CONTENT_DIR}).")


class Command(BaseCommand):
    help = "Load the bundled aid content and publish it as version 1, if the aid has no version yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(DEFAULT_FILE),
            help="Another bundled file (a path, or a file name in aids/content/).",
        )

    def handle(self, *args, **options):
        path = resolve_bundled(options["file"])
        try:
            data = parse_document(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}).")
        except InterchangeError as exc:
            raise CommandError(f"{path}: {exc}")

        try:
            validate_document(data)
            with transaction.atomic():
                # Create and lock the aid row first: two deploys running this at
                # once queue here, and the second finds the first's version.
                aid, _created = Aid.objects.get_or_create(
                    slug=data["aid"]["slug"], defaults={"title": data["aid"]["title"]}
                )
                aid = Aid.objects.select_for_update().get(pk=aid.pk)
                if aid.versions.exists():
                    current = aid.current_version()
                    where = f"version {current.number} is published" if current else "it has versions"
                    self.stdout.write(f'The aid "{aid.slug}" is already there ({where}); nothing loaded.')
                    return
                draft = import_version(data, user=None)
                version = version_publish(version=draft, user=None, change_note=CHANGE_NOTE)
        except InterchangeError as exc:
            raise CommandError(f"{path}: {exc}")
        except PublishRefused as exc:
            raise CommandError(f"{path} was not published: {exc}{_findings(exc.report)}")

        self.stdout.write(self.style.SUCCESS(
            f'Loaded "{version.aid.slug}" and published it as version {version.number} '
            f"(digest {version.short_digest})."
        ))


def _findings(report):
    if report is None:
        return ""
    lines = []
    for kind, findings in (("error", report.errors), ("warning", report.warnings)):
        for f in findings:
            where = f" [{f.location}]" if getattr(f, "location", "") else ""
            lines.append(f"\n  - {kind} {f.code}{where}: {f.message}")
    return "".join(lines)
