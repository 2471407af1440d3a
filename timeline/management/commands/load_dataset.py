from django.core.management.base import BaseCommand, CommandError

from timeline.dataset import SHIPPED_DATASET, DatasetError, load_dataset
from timeline.models import Event


class Command(BaseCommand):
    help = "Load a curated dataset folder (default: the shipped France–Russia dataset). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(SHIPPED_DATASET))
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database has events."
        )

    def handle(self, directory, if_empty, **options):
        if if_empty and Event.objects.exists():
            self.stdout.write(
                f"Dataset: {Event.objects.count()} events already in the database, kept."
            )
            return
        try:
            report = load_dataset(directory)
        except (DatasetError, FileNotFoundError, KeyError) as error:
            raise CommandError(f"Dataset not loaded (nothing was written): {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Dataset loaded from {directory}: {report}."))
