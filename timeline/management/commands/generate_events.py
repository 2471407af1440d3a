import sys
import time

from django.core.management.base import BaseCommand, CommandError

from timeline.synthetic import PAIR, delete_events, generate_events


class Command(BaseCommand):
    help = (
        "Create synthetic published events between the synthetic countries XA and XB, for "
        "benchmarks and scale tests. The curated data is never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, help="How many events to add.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--delete", action="store_true", help="Remove all synthetic events first (or only)."
        )

    def handle(self, count, seed, delete, **options):
        if count is None and not delete:
            raise CommandError("Give --count N (events to add) and/or --delete.")
        if count is not None and count < 0:
            raise CommandError("--count must be zero or more.")
        if delete:
            self.stdout.write(f"Deleted {delete_events()} synthetic rows.")
        if not count:
            return
        started = time.perf_counter()

        def progress(done, total):
            sys.stderr.write(f"\r  {done:,}/{total:,} events")
            if done == total:
                sys.stderr.write("\n")

        made = generate_events(count, seed=seed, progress=progress)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {made:,} synthetic events for {'-'.join(PAIR)} in {seconds:.1f} s "
                f"({made / seconds:,.0f} events/s). View them at /?pair={'-'.join(PAIR)}"
            )
        )
