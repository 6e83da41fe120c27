"""One-form submissions through the domain, next to bare inserts of the very rows they write.

Run: .venv/bin/python bench/submission.py [--submissions 20] [--rounds 3] [--engine sqlite]
A submission is the applicant's and the window's whole path: filed complete (create_draft, then
a scan for every material that applies, untimed, then submit),
pre-examination passed, accepted at the window and routed, which fans out to one case per
matter, deadlines, events, audit entries and notices (two permits: two cases). The bare loop
inserts copies of the rows the first submission left, each step's rows in a transaction of its
own as the domain commits them, with plain INSERTs on the same connection. Rounds alternate the
two loops; the rates are each one's median round.
"""

import argparse
import time

from lib import engines, flows, results

TARGET = 0.30  # submissions at least 30 % of the bare inserts
STEPS = ("create_draft", "submit", "pass_pre_examination", "accept")
# The scans are given between the draft and its filing (a draft is filed complete), but their
# cleaning is the files' work, measured by image_uploads.py: their time is left out of the
# rate, and their rows out of the bare inserts.
UNTIMED = "upload"
untimed_seconds = [0.0]


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=20, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    engines.add_engine_options(parser)
    return parser.parse_args(argv)


def _models():
    from django.apps import apps

    # Tables keyed by a number: a submission's rows are those above the highest key before it
    # (the engine's task table is keyed by UUIDs, and a submission writes none of it).
    return [
        m
        for m in apps.get_models()
        if not m._meta.proxy
        and m._meta.managed
        and m._meta.pk.get_internal_type().endswith("AutoField")
    ]


def _highest(models) -> dict:
    from django.db.models import Max

    return {m: m.objects.aggregate(n=Max("pk"))["n"] or 0 for m in models}


def _one_submission(who, n: int, watch=None) -> dict:
    """The whole path once; with `watch`, the pks each step added to each table."""
    from onestop.applications import drafts, pre_examination, submission
    from onestop.applications.drafts import materials_of
    from onestop.cases import acceptance
    from tests.factories import upload_missing

    added = {}
    before = _highest(watch) if watch else None

    def step(name, call):
        nonlocal before
        began = time.perf_counter()
        answer = call()
        if name == UNTIMED:
            untimed_seconds[0] += time.perf_counter() - began
        if watch:
            after = _highest(watch)
            added[name] = {m: (before[m], after[m]) for m in watch if after[m] > before[m]}
            before = after
        return answer

    form = {**flows.form(), "passport_number": flows.passport_number(n)}
    profile = flows.profile()
    application = step(
        "create_draft",
        lambda: drafts.create_draft(
            who.handler,
            "beijing",
            bundle="two_permits",
            employer_code=who.employer_code,
            profile=profile,
            form=form,
        ),
    )
    step(UNTIMED, lambda: upload_missing(application, who.handler))
    application = step("submit", lambda: submission.submit(application, who.handler))
    application = step(
        "pass_pre_examination",
        lambda: pre_examination.pass_pre_examination(application, who.examiner),
    )
    originals = [
        (m["matter"], m["code"])
        for m in materials_of(application)
        if m["applies"] is True and not m["exempt"]
    ]
    step(
        "accept",
        lambda: acceptance.accept(application, who.clerk, originals_checked=originals),
    )
    return added


class Replay:
    """Copies of the rows one submission wrote, inserted with plain SQL: new primary keys,
    foreign keys among the copies pointed at the copies, unique values made unique again."""

    def __init__(self, added: dict):
        from django.db import models

        self.steps = []  # [(step, [(model, [column values])])]
        for name in STEPS:
            rows = []
            for model, (low, high) in added.get(name, {}).items():
                for obj in model.objects.filter(pk__gt=low, pk__lte=high).order_by("pk"):
                    rows.append((model, obj))
            self.steps.append((name, rows))
        self.rows = sum(len(rows) for _, rows in self.steps)
        self.models = models
        self.serial = 0

    def _unique_fields(self, model) -> set[str]:
        names = {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if fields and not any(
                isinstance(model._meta.get_field(f), self.models.ForeignKey) for f in fields
            ):
                names.add(fields[-1])
        return names

    def _value(self, field, value):
        import uuid

        self.serial += 1
        if isinstance(field, self.models.UUIDField):
            return uuid.uuid4()
        if isinstance(field, self.models.IntegerField):
            return 10**12 + self.serial
        token = f"r{self.serial:x}"
        return (str(value or "")[: field.max_length - len(token)] + token)[: field.max_length]

    def insert_once(self, connection) -> None:
        from django.db import transaction

        copies = {}  # (model, old pk) -> new pk
        for _, rows in self.steps:
            with transaction.atomic(), connection.cursor() as cursor:
                for model, obj in rows:
                    unique = self._unique_fields(model)
                    columns, values = [], []
                    for field in model._meta.concrete_fields:
                        if field.primary_key and isinstance(field, self.models.AutoField):
                            continue
                        value = getattr(obj, field.attname)
                        if field.is_relation and (field.related_model, value) in copies:
                            value = copies[(field.related_model, value)]
                        elif field.name in unique and not field.is_relation:
                            value = self._value(field, value)
                        columns.append(connection.ops.quote_name(field.column))
                        values.append(field.get_db_prep_save(value, connection))
                    table = connection.ops.quote_name(model._meta.db_table)
                    key = connection.ops.quote_name(model._meta.pk.column)
                    sql = (
                        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - model names
                        f"VALUES ({', '.join(['%s'] * len(values))}) RETURNING {key}"
                    )
                    cursor.execute(sql, values)
                    copies[(model, obj.pk)] = cursor.fetchone()[0]


def run(engine: str, args) -> dict:
    """In a process with Django set up on a fresh database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    engines.prepare_database()
    who = flows.people()
    _one_submission(who, 0)  # the first also starts the audit chain: not a typical one
    added = _one_submission(who, 1, watch=_models())
    with CaptureQueriesContext(connection) as queries:
        _one_submission(who, 2)
    replay = Replay(added)
    replay.insert_once(connection)  # warm
    serial = 3
    rounds = {"domain": [], "bare": []}
    for _ in range(args.rounds):
        untimed_seconds[0] = 0.0
        began = time.perf_counter()
        for _ in range(args.submissions):
            _one_submission(who, serial)
            serial += 1
        spent = time.perf_counter() - began - untimed_seconds[0]
        rounds["domain"].append(args.submissions / spent)
        began = time.perf_counter()
        for _ in range(args.submissions):
            replay.insert_once(connection)
        rounds["bare"].append(args.submissions / (time.perf_counter() - began))
    return {
        "rounds": rounds,
        "queries": len(queries.captured_queries),
        "rows": replay.rows,
        "tables": {
            name: sorted({m._meta.db_table for m, _ in rows}) for name, rows in replay.steps
        },
    }


def report(engine: str, found: dict) -> None:
    domain = sorted(found["rounds"]["domain"])[len(found["rounds"]["domain"]) // 2]
    bare = sorted(found["rounds"]["bare"])[len(found["rounds"]["bare"]) // 2]
    ratio = domain / bare
    print(
        f"{engine:<10} submissions:  {domain:>8,.1f}/s  ({found['queries']} queries, "
        f"{found['rows']} rows written each)"
    )
    print(
        f"{engine:<10} bare inserts: {bare:>8,.1f}/s  (the same {found['rows']} rows, "
        f"{len(STEPS)} transactions)"
    )
    print(f"{engine:<10} submissions / bare inserts: {ratio:.0%} (target >= {TARGET:.0%})")
    results.record(
        results.Row(
            bench="submission + fan-out",
            engine=engine,
            measure="submissions/s",
            value=domain,
            baseline=f"bare INSERTs of its {found['rows']} rows",
            baseline_value=bare,
            target=f">= {TARGET:.0%}",
            met=ratio >= TARGET,
            note=f"{found['queries']} queries per submission",
        )
    )


def main() -> None:
    args = options()
    print(
        f"submission: filed, pre-examined, accepted and routed (two permits), {args.rounds} "
        f"rounds of {args.submissions}, median round"
    )
    for engine, found in engines.on_each_engine(run, args).items():
        report(engine, found)
        print(
            f"{engine:<10} rows per step: "
            + "; ".join(f"{step}: {', '.join(tables)}" for step, tables in found["tables"].items())
        )


if __name__ == "__main__":
    main()
