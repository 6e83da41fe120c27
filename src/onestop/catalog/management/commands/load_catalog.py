from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onestop.catalog.loader import DATA_DIR, CatalogInvalid, load, read_catalog


class Command(BaseCommand):
    help = "Validate the catalog files and load them: new versions only where something changed."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help="catalog folder to read (default: the packaged catalog)",
        )

    def handle(self, *args, check=False, data_dir=DATA_DIR, **options):
        try:
            if check:
                catalog = read_catalog(data_dir)
                self.stdout.write(
                    f"catalog is valid: {len(catalog.regions)} regions, "
                    f"{len(catalog.matters)} regional matters, {len(catalog.bundles)} regional "
                    f"bundles, {len(catalog.halls)} halls, {len(catalog.defects)} source defects"
                )
                return
            report = load(data_dir)
        except CatalogInvalid as exc:
            self.stderr.write(f"in {data_dir}:")
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"the catalog has {len(exc.problems)} problem(s); nothing was loaded"
            ) from exc
        self.stdout.write(str(report))
