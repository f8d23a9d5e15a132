"""Load the bundled aid as a draft, once, for a clinical lead to review and publish.

``--publish-demo`` (the local demo, ``scripts/run``) publishes it at once as
version 1, marked as not yet clinically reviewed on screen and in every record.
Safe to run on every deploy: when the aid already has a version, it does
nothing. Then each bundled content translation of the file (``<name>.<language>.json``
beside it, e.g. tractotomy.es.json) is loaded as a **draft** translation of the
published version it names by digest, once; a translation whose version is not
published here is left for a later run. Everything happens in one transaction, so a file that fails the
checks or the quality gates leaves no draft behind.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import aids
from aids.interchange import import_version, parse_document
from aids.interchange_format import InterchangeError, validate_document
from aids.interchange_translation import import_translation
from aids.models import Aid, AidVersion, Translation
from aids.publishing import PublishRefused, version_publish
from aids.quality import check_version

CONTENT_DIR = Path(aids.__file__).resolve().parent / "content"
DEFAULT_FILE = CONTENT_DIR / "tractotomy.json"
CHANGE_NOTE = "First published version (bundled content)"
DEMO_CHANGE_NOTE = "Local demo: the bundled content, published without clinical review"


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
    help = ("Load the bundled aid content as a draft, if the aid has no version yet "
            "(--publish-demo: publish it as unreviewed demo content).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(DEFAULT_FILE),
            help="Another bundled file (a path, or a file name in aids/content/).",
        )
        parser.add_argument(
            "--publish-demo", action="store_true",
            help="Local demo only: publish it at once as version 1, labelled as not yet "
            "clinically reviewed on screen and in every record.",
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
                    self._load_translations(path)
                    return
                draft = import_version(data, user=None)
                if not options["publish_demo"]:
                    # Checked now so that a file failing the gates is refused whole.
                    report = check_version(draft)
                    if report.errors:
                        raise PublishRefused(
                            f"the quality check found {len(report.errors)} error(s)", report=report)
                    self.stdout.write(self.style.SUCCESS(
                        f'Loaded "{draft.aid.slug}" as draft #{draft.pk}: a content approver '
                        "reviews it in the admin, names the clinical reviewer and publishes it."
                    ))
                    return
                version = version_publish(
                    version=draft, user=None, change_note=DEMO_CHANGE_NOTE, demo=True)
        except InterchangeError as exc:
            raise CommandError(f"{path}: {exc}")
        except PublishRefused as exc:
            raise CommandError(f"{path} was not loaded: {exc}{_findings(exc.report)}")

        self.stdout.write(self.style.SUCCESS(
            f'Loaded "{version.aid.slug}" and published it as version {version.number} '
            f"(digest {version.short_digest}) for the local demo, labelled as not yet "
            "clinically reviewed."
        ))
        self._load_translations(path)

    def _load_translations(self, path):
        """Load each ``<stem>.<language>.json`` beside ``path`` as a draft translation."""
        for file in sorted(path.parent.glob(f"{path.stem}.*.json")):
            try:
                data = parse_document(file.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, InterchangeError) as exc:
                raise CommandError(f"{file}: {exc}")
            digest = data.get("source_digest") if isinstance(data, dict) else None
            code = data.get("language_code") if isinstance(data, dict) else None
            version = AidVersion.objects.filter(
                digest=digest or "-", status=AidVersion.Status.PUBLISHED).first()
            if version is None:
                self.stdout.write(
                    f"{file.name}: the version it translates (digest {str(digest)[:12]}) is not "
                    "published here; it is loaded once that version is published.")
                continue
            if Translation.objects.filter(version=version, language_code=code).exists():
                continue
            try:
                draft = import_translation(data, user=None)
            except InterchangeError as exc:
                raise CommandError(f"{file}: {exc}")
            self.stdout.write(self.style.SUCCESS(
                f"Loaded {file.name} as draft translation #{draft.pk} "
                f"({draft.language_name}, not yet reviewed by a qualified medical translator)."))


def _findings(report):
    if report is None:
        return ""
    lines = []
    for kind, findings in (("error", report.errors), ("warning", report.warnings)):
        for f in findings:
            where = f" [{f.location}]" if getattr(f, "location", "") else ""
            lines.append(f"\n  - {kind} {f.code}{where}: {f.message}")
    return "".join(lines)
