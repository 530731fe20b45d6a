"""Impact analysis benchmark: 100,000 configuration items and 300,000 relations.

Not a test. Run it in an odoo shell on a database with svcms_itsm installed (see bench/README.md):

    SVCMS_DB=<db> python3 scripts/svcms.py shell < bench/impact.py

or from a shell session: ``exec(open("bench/impact.py").read()); run(env)``.

The CMDB is built with SQL (INSERT ... SELECT over generate_series) in the shape of a real data centre:
2 core switches, 200 access switches connected to them, 10,000 physical servers connected to an access switch,
30,000 virtual machines running on the servers and backed up by one of 100 backup servers, 59,698 applications
and databases depending on a VM and on two applications created before them, 20,000 "connected to" links between
applications, backups of the first 30,610 applications (300,000 relations in all), 1,000 services on 3
applications each with 3 customers each. Everything happens inside a savepoint that is rolled back: the database
is left as it was.

Timed: ``svcms.ci._svcms_impact()`` (cold and warm) and the same SQL run raw on the same connection, from an
application server, a core switch and an application in the middle of the stack. "Connected to" works both
ways, so a server's outage reaches its switch and, through the core, most of the data centre: these are worst
cases.
"""

import time

from odoo.tools import SQL

LAYERS = (  # (name, count)
    ("core", 2),
    ("switch", 200),
    ("server", 10_000),
    ("backup", 100),
    ("vm", 30_000),
    ("app", 59_698),
)


def _insert_cis(env, type_id, prefix, count):
    """Insert ``count`` CIs; return the first id (ids are consecutive within one INSERT)."""
    rows = env.execute_query(
        SQL(
            """
            INSERT INTO svcms_ci (identifier, name, type_id, status, company_id, create_uid, write_uid,
                                  create_date, write_date)
            SELECT %(prefix)s || n, %(prefix)s || n, %(type)s, 'active', %(company)s, 1, 1, now(), now()
              FROM generate_series(1, %(count)s) n ORDER BY n
            RETURNING id
            """,
            prefix=f"BENCH-{prefix}-",
            type=type_id,
            company=env.company.id,
            count=count,
        )
    )
    ids = [row[0] for row in rows]
    assert ids[-1] - ids[0] == count - 1, "ids are not consecutive"
    return ids[0]


def _relate(env, relation_type, source_first, source_count, target_first, target_count, how="n %% m"):
    """Relate each source n (0-based) to target ``how`` (one of the constant SQL expressions of this file, of n
    and m = target_count)."""
    env.cr.execute(
        SQL(
            """
            INSERT INTO svcms_ci_relation (source_id, target_id, relation_type, company_id, create_uid, write_uid,
                                           create_date, write_date)
            SELECT %(source)s + n, %(target)s + (%(how)s), %(type)s, %(company)s, 1, 1, now(), now()
              FROM generate_series(0, %(last)s) n, (SELECT %(m)s AS m) k
             WHERE %(source)s + n != %(target)s + (%(how)s)
            ON CONFLICT DO NOTHING
            """,
            source=source_first,
            target=target_first,
            how=SQL(how),
            type=relation_type,
            company=env.company.id,
            last=source_count - 1,
            m=target_count,
        )
    )
    return env.cr.rowcount


def build(env):
    """The CMDB described in the module docstring; returns the first id of each layer and the counts."""
    ci_type = env["svcms.ci.type"].create({"name": "BENCH", "code": "BENCH"})
    first = {name: _insert_cis(env, ci_type.id, name, count) for name, count in LAYERS}
    count = dict(LAYERS)
    relations = 0
    relations += _relate(env, "connected_to", first["switch"], count["switch"], first["core"], 2)
    relations += _relate(env, "connected_to", first["server"], count["server"], first["switch"], count["switch"])
    relations += _relate(env, "connected_to", first["backup"], count["backup"], first["switch"], count["switch"])
    relations += _relate(env, "runs_on", first["vm"], count["vm"], first["server"], count["server"])
    relations += _relate(env, "backed_up_by", first["vm"], count["vm"], first["backup"], count["backup"])
    relations += _relate(env, "depends_on", first["app"], count["app"], first["vm"], count["vm"])
    # two dependencies on applications created before (a DAG, as software stacks are), then "connected to"
    # links across the estate (cycles)
    relations += _relate(
        env, "depends_on", first["app"] + 1, count["app"] - 1, first["app"], 0, "(n::bigint * 7919) %% (n + 1)"
    )
    relations += _relate(
        env, "depends_on", first["app"] + 2, count["app"] - 2, first["app"], 0, "(n::bigint * 104729) %% (n + 2)"
    )
    relations += _relate(
        env, "connected_to", first["app"], 20_000, first["app"], count["app"], "(n::bigint * 15485863) %% m"
    )
    # backups of the first applications: relations that carry no impact
    relations += _relate(env, "backed_up_by", first["app"], 300_000 - relations, first["backup"], count["backup"])
    services = env["svcms.service"].create(
        [{"code": f"BENCH-{n}", "name": f"BENCH service {n}", "status": "live"} for n in range(1_000)]
    )
    partners = env["res.partner"].create([{"name": f"BENCH customer {n}"} for n in range(300)])
    service_ci = env["svcms.service"]._fields["ci_ids"]
    service_customer = env["svcms.service"]._fields["customer_ids"]
    env.cr.execute(
        SQL(
            "INSERT INTO %(rel)s (%(c1)s, %(c2)s) SELECT s, %(app)s + (s * 59 + k) %% %(apps)s"
            " FROM unnest(%(services)s::int[]) s, generate_series(0, 2) k ON CONFLICT DO NOTHING",
            rel=SQL.identifier(service_ci.relation),
            c1=SQL.identifier(service_ci.column1),
            c2=SQL.identifier(service_ci.column2),
            app=first["app"],
            apps=count["app"],
            services=services.ids,
        )
    )
    env.cr.execute(
        SQL(
            "INSERT INTO %(rel)s (%(c1)s, %(c2)s) SELECT s, (%(partners)s::int[])[1 + (s * 3 + k) %% 300]"
            " FROM unnest(%(services)s::int[]) s, generate_series(0, 2) k ON CONFLICT DO NOTHING",
            rel=SQL.identifier(service_customer.relation),
            c1=SQL.identifier(service_customer.column1),
            c2=SQL.identifier(service_customer.column2),
            partners=partners.ids,
            services=services.ids,
        )
    )
    env.cr.execute("ANALYZE svcms_ci, svcms_ci_relation")
    env.invalidate_all()
    return first, sum(count.values()), relations


def _timed(env, label, start_ci):
    cr = env.cr
    queries = cr.sql_log_count
    start = time.perf_counter()
    result = start_ci._svcms_impact()
    elapsed = time.perf_counter() - start
    sizes = {key: len(value) for key, value in result.items()}
    print(f"{label}: {elapsed:.3f} s, {cr.sql_log_count - queries} queries, impacted {sizes}")
    return elapsed, result


def _raw(env, label, start_ci):
    """The same recursive query, sent as SQL text straight to PostgreSQL (no ORM around it)."""
    captured = {}
    execute = type(env.cr).execute

    def capture(cursor, query, params=None, log_exceptions=True):
        captured.setdefault("query", (query, params))
        return execute(cursor, query, params, log_exceptions)

    type(env.cr).execute = capture
    try:
        start_ci._svcms_impact()
    finally:
        type(env.cr).execute = execute
    query, params = captured["query"]
    sql = query.code if isinstance(query, SQL) else query
    args = query.params if isinstance(query, SQL) else params
    raw = env.cr._cnx.cursor()  # the same connection: it sees the uncommitted CMDB
    try:
        start = time.perf_counter()
        raw.execute(sql, args)
        rows = raw.fetchall()
        elapsed = time.perf_counter() - start
    finally:
        raw.close()
    print(f"{label} raw SQL: {elapsed:.3f} s, {len(rows)} rows")
    return elapsed


def run(env):
    cr = env.cr
    cr.execute("SAVEPOINT impact_bench")
    try:
        start = time.perf_counter()
        first, cis, relations = build(env)
        print(f"built: {cis} CIs, {relations} relations in {time.perf_counter() - start:.0f} s")
        Ci = env["svcms.ci"]
        starts = (
            ("application server", first["server"] + 4_321),
            ("core switch", first["core"]),
            ("application", first["app"] + 30_500),
        )
        for label, ci_id in starts:
            start_ci = Ci.browse(ci_id)
            _timed(env, f"{label} (cold)", start_ci)
            warm, _result = _timed(env, f"{label} (warm)", start_ci)
            raw = _raw(env, label, start_ci)
            print(f"{label}: ORM / raw = {warm / raw:.2f}")
    finally:
        cr.execute("ROLLBACK TO SAVEPOINT impact_bench")
        env.invalidate_all()


if "env" in globals():
    run(env)  # noqa: F821
