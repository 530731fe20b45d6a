"""Recall search benchmark: find the customers of a recall among 1,000,000 stock move lines.

Not a test. Run it in an odoo shell on a database with svcms_aftersales installed (see bench/README.md):

    python3 scripts/svcms.py shell < bench/recall_bench.py

or from a shell session: ``exec(open("bench/recall_bench.py").read()); run(env, lines=1_000_000)``.

The data are built with SQL (INSERT ... SELECT over generate_series, copying the rows of one real
delivery made with the ORM by ``svcms.aftersales.demo.story._deliver_serial``, so every NOT NULL column
gets a valid value), timed, then ROLLED BACK: the database is left as it was.
"""

import time
from datetime import timedelta

from odoo import Command
from odoo.tools import SQL


def _columns(env, table, replaced):
    """The table's columns except id, with the expressions of ``replaced`` substituted."""
    names = [
        row[0]
        for row in env.execute_query(
            SQL(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'"
                " ORDER BY ordinal_position",
                table,
            )
        )
    ]
    select = [replaced.get(name, SQL.identifier("t", name)) for name in names]
    return SQL(", ").join(SQL.identifier(name) for name in names), SQL(", ").join(select)


def _copy_rows(env, table, template_id, count, replaced):
    """Insert ``count`` copies of row ``template_id`` (``n`` = 0..count-1 in ``replaced``); return their ids."""
    columns, select = _columns(env, table, replaced)
    rows = env.execute_query(
        SQL(
            "INSERT INTO %(table)s (%(columns)s) SELECT %(select)s FROM %(table)s t, generate_series(0, %(last)s) n"
            " WHERE t.id = %(template)s ORDER BY n RETURNING id",
            table=SQL.identifier(table),
            columns=columns,
            select=select,
            last=count - 1,
            template=template_id,
        )
    )
    return [row[0] for row in rows]


def _template_delivery(env, product, partner):
    """One real delivery of one serial (sale order, validated delivery), made like the demo data and the tests."""
    lot = env["stock.lot"].create({"name": "BENCH-TEMPLATE", "product_id": product.id})
    _order, picking, _invoice = env["svcms.aftersales.demo.story"]._deliver_serial(partner, lot)
    return lot, picking, picking.move_line_ids, picking.location_id, picking.location_dest_id


def build(env, lines=1_000_000, customers=1_000, lines_per_picking=10, returned_every=100, noise_share=0.1):
    """Build ``lines`` done move lines: deliveries of the recalled product (one serial each), some returns,
    and deliveries of another product (noise). Serials are created over the last 365 days."""
    Product = env["product.product"]
    recalled = Product.create({"name": "BENCH recalled", "type": "consu", "is_storable": True, "tracking": "serial"})
    other = Product.create({"name": "BENCH other", "type": "consu", "is_storable": True, "tracking": "serial"})
    partners = env["res.partner"].create([{"name": f"BENCH customer {n}"} for n in range(customers)])
    lot, picking, line, stock, customer_location = _template_delivery(env, recalled, partners[0])
    env.flush_all()  # the rows are copied in SQL: the template's computed columns must be written first
    noise = int(lines * noise_share)
    returns = (lines - noise) // (returned_every + 1)
    deliveries = lines - noise - returns
    units = deliveries + noise

    lot_ids = _copy_rows(
        env,
        "stock_lot",
        lot.id,
        units,
        {
            "name": SQL("'BENCH-' || n"),
            "product_id": SQL("CASE WHEN n < %s THEN %s ELSE %s END", deliveries, recalled.id, other.id),
            "create_date": SQL("now() at time zone 'UTC' - (n %% 365) * interval '1 day'"),
        },
    )
    picking_ids = _copy_rows(
        env,
        "stock_picking",
        picking.id,
        units // lines_per_picking + 1,
        {
            "name": SQL("'BENCH/OUT/' || n"),
            "partner_id": SQL("(%s::int[])[n %% %s + 1]", partners.ids, customers),
        },
    )
    env.execute_query(
        SQL(
            "CREATE TEMP TABLE bench_lot ON COMMIT DROP AS SELECT * FROM unnest(%s::int[]) WITH ORDINALITY AS l(id, n)",
            lot_ids,
        )
    )
    env.execute_query(
        SQL(
            "CREATE TEMP TABLE bench_picking ON COMMIT DROP AS"
            " SELECT * FROM unnest(%s::int[]) WITH ORDINALITY AS p(id, n)",
            picking_ids,
        )
    )
    env.execute_query(SQL("CREATE INDEX ON bench_lot (n); CREATE INDEX ON bench_picking (n)"))
    columns, select = _columns(
        env,
        "stock_move_line",
        {
            "lot_id": SQL("(SELECT id FROM bench_lot WHERE bench_lot.n = g.n + 1)"),
            "picking_id": SQL("(SELECT id FROM bench_picking WHERE bench_picking.n = g.n / %s + 1)", lines_per_picking),
            "product_id": SQL("CASE WHEN g.n < %s THEN %s ELSE %s END", deliveries, recalled.id, other.id),
            "date": SQL("t.date - (g.n %% 365) * interval '1 day'"),
        },
    )
    env.execute_query(
        SQL(
            "INSERT INTO stock_move_line (%s) SELECT %s FROM stock_move_line t, generate_series(0, %s) AS g(n)"
            " WHERE t.id = %s",
            columns,
            select,
            units - 1,
            line.id,
        )
    )
    # Every returned_every-th delivered serial came back one day after its delivery.
    columns, select = _columns(
        env,
        "stock_move_line",
        {
            "location_id": SQL("%s", customer_location.id),
            "location_dest_id": SQL("%s", stock.id),
            "date": SQL("t.date + interval '1 day'"),
        },
    )
    env.execute_query(
        SQL(
            "INSERT INTO stock_move_line (%s) SELECT %s FROM stock_move_line t"
            " WHERE t.product_id = %s AND t.lot_id IS NOT NULL AND t.id %% %s = 0 AND t.location_dest_id = %s LIMIT %s",
            columns,
            select,
            recalled.id,
            returned_every,
            customer_location.id,
            returns,
        )
    )
    env.execute_query(SQL("ANALYZE stock_move_line; ANALYZE stock_lot; ANALYZE stock_picking"))
    env.invalidate_all()
    total = env.execute_query(SQL("SELECT count(*) FROM stock_move_line"))[0][0]
    return recalled, total


def _timed(label, recall):
    start = time.perf_counter()
    queries = recall.env.cr.sql_log_count
    delivered, returned = recall._search_affected_units()
    elapsed = time.perf_counter() - start
    units = sum(len(lots) for lots in delivered.values())
    print(
        f"{label}: {elapsed * 1000:.0f} ms, {recall.env.cr.sql_log_count - queries} queries, "
        f"{len(delivered)} customers, {units} units at customers, {len(returned)} returned"
    )
    return elapsed


def run(env, lines=1_000_000):
    """Build the data, time the recall searches, print the plans, roll everything back."""
    cr = env.cr
    cr.execute("SAVEPOINT recall_bench")
    try:
        start = time.perf_counter()
        product, total = build(env, lines)
        print(f"built: {total} stock move lines in {time.perf_counter() - start:.0f} s")
        Recall = env["svcms.recall"]
        some_lots = env["stock.lot"].search([("product_id", "=", product.id)], limit=1000, order="id desc")
        by_serials = Recall.create(
            {"title": "bench serials", "product_id": product.id, "lot_ids": [Command.set(some_lots.ids)]}
        )
        today = env.cr.now().date()
        by_dates = Recall.create(
            {
                "title": "bench production month",
                "product_id": product.id,
                "scope": "production_dates",
                "production_date_from": today - timedelta(days=30),
                "production_date_to": today,
            }
        )
        for recall in (by_serials, by_dates):
            _timed(recall.title, recall)  # warm-up: caches and plan
            _timed(recall.title, recall)
        plan = env.execute_query(
            SQL(
                "EXPLAIN SELECT lot_id FROM stock_move_line"
                " WHERE state = 'done' AND lot_id IS NOT NULL AND product_id = %s"
                " AND lot_id = ANY(%s) ORDER BY lot_id, date DESC, id DESC",
                product.id,
                some_lots.ids,
            )
        )
        print("\n".join(row[0][:160] for row in plan))
        start = time.perf_counter()
        by_dates.action_find_customers()
        print(
            f"create the customer lines of the production month: {time.perf_counter() - start:.1f} s, "
            f"{len(by_dates.line_ids)} lines"
        )
    finally:
        cr.execute("ROLLBACK TO SAVEPOINT recall_bench")
        env.invalidate_all()


if "env" in globals():
    run(env, lines=int(__import__("os").environ.get("RECALL_BENCH_LINES", 1_000_000)))  # noqa: F821
