"""Import an interchange JSON file (an aid, or a content translation) as a new draft
(never published by this command)."""

import unicodedata
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse

from aids.interchange import import_version, parse_document
from aids.interchange_format import InterchangeError
from aids.interchange_translation import FORMAT_NAME as TRANSLATION_FORMAT
from aids.interchange_translation import import_translation

MAX_FILE_BYTES = 5 * 1024 * 1024  # an aid is tens of kilobytes


def safe(text):
    """``text`` as it may reach an operator's terminal: control characters (escape
    sequences could retitle or clear it), format characters (right-to-left overrides)
    and lone surrogates are shown as escapes such as \\x1b, \\u202e, \\ud800."""
    out = []
    for ch in str(text):
        if ch == "\n" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


class Command(BaseCommand):
    help = "Import an aid JSON file as a new draft; prints the draft's id and admin URL."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the JSON file.")
        parser.add_argument("--user", help="Username recorded as the draft's creator.")

    def handle(self, *args, file, user=None, **options):
        try:
            return self._import(file, user)
        except CommandError as exc:
            raise CommandError(safe(exc)) from None

    def _import(self, file, user):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"File not found: {file}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(
                f"{file} is {path.stat().st_size:,} bytes; an aid file is at most {MAX_FILE_BYTES:,}."
            )
        creator = None
        if user:
            creator = get_user_model().objects.filter(username=user).first()
            if creator is None:
                raise CommandError(f'No user "{user}".')
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text ({exc.reason} at byte {exc.start}).")
        try:
            data = parse_document(text)
            if isinstance(data, dict) and data.get("format") == TRANSLATION_FORMAT:
                translation = import_translation(data, user=creator)
                self.stdout.write(self.style.SUCCESS(
                    f"Imported draft translation {translation.pk} ({translation.language_name}) "
                    f"of {safe(translation.version)}."))
                self.stdout.write(f"id: {translation.pk}")
                self.stdout.write(f"admin: /admin/aids/translation/{translation.pk}/change/")
                return
            draft = import_version(data, user=creator)
        except InterchangeError as exc:
            raise CommandError(f"{file}: {exc}\nNothing was imported.")

        try:
            url = reverse("admin:aids_aidversion_change", args=[draft.pk])
        except NoReverseMatch:
            url = f"/admin/aids/aidversion/{draft.pk}/change/"
        self.stdout.write(self.style.SUCCESS(f"Imported draft {draft.pk} of \"{safe(draft.aid.slug)}\"."))
        self.stdout.write(f"id: {draft.pk}")
        self.stdout.write(f"admin: {url}")
