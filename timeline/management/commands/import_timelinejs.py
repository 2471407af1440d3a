from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timeline.interchange.timelinejs_import import ImportFailed, prepare_import, write_import


class Command(BaseCommand):
    help = (
        "Import a TimelineJS 3 timeline: a Google Sheets template saved as CSV, or TimelineJS "
        "JSON (told apart by content). Idempotent; nothing is written if any row is invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the sheet (.csv) or the TimelineJS JSON file")
        parser.add_argument(
            "--pair", help="two ISO alpha-2 codes, e.g. FR-RU: both countries go on every event"
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the events (each row then needs a source: a Media link)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, file, pair, publish, dry_run, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error

        def progress(message):
            self.stderr.write(f"{path.name}: {message}")

        try:
            plan = prepare_import(data, pair=pair, publish=publish, progress=progress)
        except ImportFailed as failure:
            raise CommandError(self.failure(failure.errors)) from failure
        for line in plan.skipped:
            self.stdout.write(f"skipped {line}")
        if not pair:
            plan.warnings.insert(
                0, "no --pair: the events get no countries, so no pair's timeline shows them"
            )
        for line in plan.warnings:
            self.stdout.write(self.style.WARNING(f"warning {line}"))
        if plan.errors:
            raise CommandError(self.failure(plan.errors))
        if dry_run:
            self.stdout.write(
                f"Dry run of {path.name} ({plan.format}), nothing written: would be "
                + plan.summary().replace(" created", " to create").replace(" updated", " to update")
                + "."
            )
            return
        write_import(plan, reason=f"Imported from TimelineJS file {path.name}", progress=progress)
        state = "published" if publish else "drafts unless already published"
        self.stdout.write(
            self.style.SUCCESS(f"Imported {path.name} ({plan.format}, {state}): {plan.summary()}.")
        )

    @staticmethod
    def failure(errors):
        count = len(errors)
        lines = "\n".join(f"  {error}" for error in errors)
        return f"Nothing was imported: {count} problem{'s' if count != 1 else ''}:\n{lines}"
