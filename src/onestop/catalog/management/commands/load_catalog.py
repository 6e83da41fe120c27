from django.core.management.base import BaseCommand, CommandError

from onestop.catalog.loader import CatalogInvalid, load, read_catalog


class Command(BaseCommand):
    help = "Validate the catalog files and load them: new versions only where something changed."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")

    def handle(self, *args, check=False, **options):
        try:
            if check:
                catalog = read_catalog()
                self.stdout.write(
                    f"catalog is valid: {len(catalog.regions)} regions, "
                    f"{len(catalog.matters)} regional matters, {len(catalog.bundles)} regional "
                    f"bundles, {len(catalog.halls)} halls, {len(catalog.defects)} source defects"
                )
                return
            report = load()
        except CatalogInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"the catalog has {len(exc.problems)} problem(s); nothing was loaded") from exc
        self.stdout.write(str(report))
