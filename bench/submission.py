"""One-form submissions through the domain, next to bare inserts of the very rows they write.

Run: .venv/bin/python bench/submission.py [--submissions 20] [--rounds 3] [--engine sqlite]
A submission is the applicant's and the window's whole path: filed complete (create_draft, then
a scan for every material that applies, untimed, then submit),
pre-examination passed, accepted at the window and routed, which fans out to one case per
matter, deadlines, events, audit entries and notices (two permits: two cases). The bare loop
inserts copies of the rows the first submission left, each step's rows in a transaction of its
own as the domain commits them, with plain INSERTs on the same connection. Each table's INSERT
is built once, before the timed rounds; the loop only executes it with the row's values as
parameters (no field inspection, no SQL building per row), and on PostgreSQL each is planned
once per connection (onestop/prepared.py). Rounds alternate the two loops; the
rates are each one's median round. An untimed pass counts the queries of each step. On
PostgreSQL both loops then run three more times in turn, the time waiting on the server apart
(lib/server_wait.py): the ratio a submission could reach with no Python at all."""

import argparse
import time
import uuid

from lib import engines, flows, results, server_wait

TARGET = 0.30  # submissions at least 30 % of the bare inserts
STEPS = ("create_draft", "submit", "pass_pre_examination", "accept")
# The scans are given between the draft and its filing (a draft is filed complete), but their
# cleaning is the files' work, measured by image_uploads.py: their time is left out of the
# rate, and their rows out of the bare inserts.
UNTIMED = "upload"
untimed_seconds = [0.0]
untimed_waits = [0.0]  # of them, waiting on the server (the one-process pass: _one_process)


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


def _one_submission(who, n: int, watch=None, queries=None, waits=None) -> dict:
    """The whole path once; with `watch`, the pks each step added to each table; with
    `queries` (a dict), the number of queries each step ran; with `waits`
    (server_wait.counted), the untimed step's waiting on the server kept apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onestop.applications import drafts, pre_examination, submission
    from onestop.applications.drafts import materials_of
    from onestop.cases import acceptance
    from onestop.catalog import generations
    from tests.factories import upload_missing

    added = {}
    before = _highest(watch) if watch else None

    def step(name, call):
        nonlocal before
        began = time.perf_counter()
        waited = waits.seconds if waits else 0.0
        # Each step is one request of its own: the catalog's and the calendar's generation
        # tokens are read once in it, as the middleware has them read (catalog/generations.py).
        with generations.request_scope():
            if queries is None:
                answer = call()
            else:
                with CaptureQueriesContext(connection) as captured:
                    answer = call()
                queries[name] = len(captured.captured_queries)
        if name == UNTIMED:
            untimed_seconds[0] += time.perf_counter() - began
            untimed_waits[0] += (waits.seconds if waits else 0.0) - waited
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


# An audit entry is inserted unchained and linked into the chain after its commit (ADR 0009):
# the bare loop inserts it as the domain does; the link is the domain's own further work.
LINKED_LATER = {("audit.auditentry", name) for name in ("sequence", "previous_hash", "hash")}


class Replay:
    """Copies of the rows one submission wrote, inserted with plain SQL: new primary keys,
    foreign keys among the copies pointed at the copies, unique values made unique again.

    Everything per table (columns, quoting, the INSERT statement) and per row (the values made
    ready for the database) is done here, once; `insert_once` only executes."""

    def __init__(self, added: dict, connection):
        from django.db import models

        self.models = models
        self.serial = 0
        # [(step, [(sql, model, old pk, [(value, model it points at or None, unique kind)])])]
        self.steps = []
        statements = {}
        for name in STEPS:
            rows = []
            for model, (low, high) in added.get(name, {}).items():
                if model not in statements:
                    statements[model] = self._statement(model, connection)
                sql, fields = statements[model]
                for obj in model.objects.filter(pk__gt=low, pk__lte=high).order_by("pk"):
                    values = [self._ready(f, obj, unique, connection) for f, unique in fields]
                    rows.append((sql, model, obj.pk, values))
            self.steps.append((name, rows))
        self.rows = sum(len(rows) for _, rows in self.steps)

    def _statement(self, model, connection) -> tuple[str, list]:
        unique = self._unique_fields(model)
        fields = [
            (field, field.name in unique and not field.is_relation)
            for field in model._meta.concrete_fields
            if not (field.primary_key and isinstance(field, self.models.AutoField))
        ]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field, _ in fields)
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - model names
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(model._meta.pk.column)}"
        )
        return sql, fields

    def _unique_fields(self, model) -> set[str]:
        names = {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if fields and not any(
                isinstance(model._meta.get_field(f), self.models.ForeignKey) for f in fields
            ):
                names.add(fields[-1])
        return names

    def _ready(self, field, obj, unique: bool, connection) -> tuple:
        """(value ready for the database, the model it points at, a unique kind or None)."""
        if (obj._meta.label_lower, field.name) in LINKED_LATER:
            return (None if field.null else field.get_default(), None, None)
        value = getattr(obj, field.attname)
        if unique:
            kind = "uuid" if isinstance(field, self.models.UUIDField) else None
            kind = kind or ("int" if isinstance(field, self.models.IntegerField) else "text")
            return (str(value or ""), None, (kind, field.max_length))
        target = field.related_model if field.is_relation else None
        return (field.get_db_prep_save(value, connection), target, None)

    def _unique_value(self, value: str, kind: str, max_length: int | None):
        self.serial += 1
        if kind == "uuid":
            return uuid.uuid4().hex
        if kind == "int":
            return 10**12 + self.serial
        token = f"r{self.serial:x}"
        return (value[: max_length - len(token)] + token)[:max_length]

    def insert_once(self, connection) -> None:
        from django.db import transaction

        from onestop import prepared

        copies = {}  # (model, old pk) -> new pk
        for _, rows in self.steps:
            # Each INSERT planned once per connection on PostgreSQL, too (onestop/prepared.py).
            with transaction.atomic(), prepared.cursor(connection) as cursor:
                for sql, model, old, values in rows:
                    params = [
                        self._unique_value(value, *unique)
                        if unique
                        else copies.get((target, value), value)
                        if target
                        else value
                        for value, target, unique in values
                    ]
                    cursor.execute(sql, params)
                    copies[(model, old)] = cursor.fetchone()[0]


def run(engine: str, args) -> dict:
    """In a process with Django set up on a fresh database."""
    from django.db import connection

    engines.prepare_database()
    who = flows.people()
    _one_submission(who, 0)  # the first also starts the audit chain: not a typical one
    added = _one_submission(who, 1, watch=_models())
    queries = {}
    _one_submission(who, 2, queries=queries)
    replay = Replay(added, connection)
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
    alone = _one_process(who, serial, replay, args.submissions) if engine == "postgresql" else None
    return {
        "alone": alone,
        "rounds": rounds,
        "queries": sum(n for step, n in queries.items() if step != UNTIMED),
        "queries_per_step": queries,
        "rows": replay.rows,
        "tables": {
            name: sorted({m._meta.db_table for _, m, _, _ in rows}) for name, rows in replay.steps
        },
    }


def _one_process(who, serial: int, replay, count: int) -> dict:
    """`count` submissions and as many bare replays, three passes alternating: the median
    pass's seconds a submission, with the time waiting on the server (lib/server_wait.py), and
    a replay's; the scans left out."""
    from django.db import connection

    domains, bares = [], []
    for _ in range(3):
        untimed_seconds[0] = untimed_waits[0] = 0.0
        with server_wait.counted() as waits:
            began = time.perf_counter()
            for _ in range(count):
                _one_submission(who, serial, waits=waits)
                serial += 1
            spent = time.perf_counter() - began - untimed_seconds[0]
            domains.append((spent / count, (waits.seconds - untimed_waits[0]) / count))
        began = time.perf_counter()
        for _ in range(count):
            replay.insert_once(connection)
        bares.append((time.perf_counter() - began) / count)
    return {"domain": sorted(domains)[1], "bare": sorted(bares)[1]}


def _report_alone(engine: str, alone: dict, queries: int) -> None:
    """What the server's answers to a submission's statements alone leave of the ratio."""
    (domain, waited), bare = alone["domain"], alone["bare"]
    ceiling = bare / waited
    print(
        f"{engine:<10} one process: a submission {domain * 1000:.1f} ms, of which "
        f"{waited * 1000:.1f} ms waiting on the server ({queries} statements); a bare replay "
        f"{bare * 1000:.1f} ms in all; with no Python a submission could reach {ceiling:.0%}; "
        f"{TARGET:.0%} needs {bare / TARGET * 1000:.1f} ms a submission"
    )
    results.record(
        results.Row(
            bench="submission + fan-out",
            engine=engine,
            measure="submissions/s, one process",
            value=1 / domain,
            baseline="bare replays, one process",
            baseline_value=1 / bare,
            note=f"a submission waited {waited * 1000:.1f} ms on the server for its {queries} "
            f"statements, a bare replay took {bare * 1000:.1f} ms in all: with no Python the "
            f"ratio could reach {ceiling:.0%} (lib/server_wait.py)",
        )
    )


def _per_step(found: dict) -> str:
    return ", ".join(f"{step} {n}" for step, n in found["queries_per_step"].items())


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
        f"{len(STEPS)} transactions, INSERTs prepared once)"
    )
    print(f"{engine:<10} queries per step: {_per_step(found)} ({UNTIMED} untimed)")
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
            note=f"{found['queries']} queries per submission ({_per_step(found)}); bare: "
            "INSERTs prepared once, executed with parameters",
        )
    )
    if found["alone"]:
        _report_alone(engine, found["alone"], found["queries"])


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
