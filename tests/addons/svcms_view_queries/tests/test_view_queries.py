"""Every SVCMS list view and the overview kanban read a page in a number of queries independent of its size.

For each view (every primary list view of an svcms.* model or defined by an svcms addon, the Odoo list views the
svcms addons add columns to, and the overview kanban of svcms.management.system) the test builds the
specification the web client sends (the fields of the view as the measuring user gets it; many2one, many2many
and tag widgets with their `display_name`), makes sure at least 2N records are visible to a non-admin user who
may read the model (copies of demo records, made as superuser), and records the queries of
`web_search_read([], spec, limit=N)`, of the next page (`offset=N`) and of `limit=2N`, after a warm-up call.

A query made once per record (or per few records) is made more often on the page of 2N records than on either
page of N: the test fails on any query text (SQL without its parameters) the large page repeats more often than
both halves do. Comparing query by query, not totals, lets a page of 2N records read a comodel that only the
records of one half refer to (demo records are not alike) and still catches every per-record query. The test
logs the views whose large page needs more queries in total for that reason (they make none per record).
"""

import logging
import re
from collections import Counter
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.fields import Domain
from odoo.sql_db import Cursor
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

_logger = logging.getLogger(__name__)

N = 3
SVCMS_ADDONS = ("svcms_base", "svcms_aftersales", "svcms_audit", "svcms_itsm")
# The user a model's views are measured as: the first of these groups that may read the model (the manager of
# the model's own addon first, it sees the most records), else the least privileged group that may read it.
MANAGER_GROUPS = {
    "svcms_base": "svcms_base.group_svcms_manager",
    "svcms_aftersales": "svcms_aftersales.group_aftersales_manager",
    "svcms_audit": "svcms_audit.group_audit_manager",
    "svcms_itsm": "svcms_itsm.group_itsm_manager",
}
# Groups never used to measure: administrators, and technical groups given to nobody.
EXCLUDED_GROUPS = (
    "base.group_system",
    "base.group_erp_manager",
    "svcms_base.group_svcms_kpi_measurer",
)
# x2many widgets that show the linked records' names (the client asks for their display_name)
TAG_WIDGETS = ("many2many_tags", "many2many_avatar_user", "many2many_avatar_employee", "many2many_tags_avatar")

# a parenthesised group of placeholders repeated once per record in ONE query (VALUES lists): kept once, so that
# the query reads the same for any number of records
REPEATED_GROUP = re.compile(r"(\([^()]*\))(?:, \1)+")

# The groups of the user measuring the views of some Odoo models the svcms addons show or extend: those lists show
# stock quantities, which only stock users may read (an after-sales manager without stock rights gets an
# AccessError there, whatever the query count).
READER_GROUPS = {
    "stock.lot": ("svcms_aftersales.group_aftersales_manager", "stock.group_stock_user"),
    "product.template": ("svcms_aftersales.group_aftersales_manager", "stock.group_stock_user"),
}


def _older(record, index):
    """Values of a copy of ``record`` moved ``index + 1`` years back (for records unique per year or period)."""
    years = relativedelta(years=index + 1)
    values = {}
    for name, field in record._fields.items():
        if not field.store or field.compute or field.related or not record[name]:
            continue
        if field.type in ("date", "datetime"):
            values[name] = record[name] - years
        elif field.type == "integer" and name == "year":
            values[name] = record[name] - index - 1
    return values


def _renamed(record, index):
    """Values of a copy of ``record`` with other codes and names (for records unique by code or name)."""
    values = {}
    for name, field in record._fields.items():
        if field.type == "char" and field.store and not field.compute and not field.related and record[name]:
            if name in ("code", "name", "reference") or name.endswith("_code"):
                values[name] = f"{record[name]}-Q{index}"
    return values


def _unused(field_name):
    """A copier for records unique per ``field_name`` (a many2one): the copy refers to a record no other does."""

    def copy(env, index, source):
        records = env[source._name].with_context(active_test=False)
        taken = records.search([(field_name, "!=", False)])[field_name]
        unused = Domain("id", "not in", taken.ids) & Domain(taken._check_company_domain(source.company_id))
        other = taken.search(unused, limit=1)
        return source.copy({field_name: other.id})

    return copy


def _new_workload_row(env, index, source):
    """A row of the workload report is an agreement's period: an SLA line of an earlier month makes one (for
    another record: an SLA line is unique per record and metric)."""
    line = env["svcms.sla.line"].search([("agreement_id", "=", source.agreement_id.id)], limit=1)
    months = relativedelta(months=index + 1)
    return line.copy({"request_datetime": line.request_datetime - months, "res_id": line.res_id + 100000 + index})


def _in_new_company(env, index, source):
    """A new record in a new company, for records unique per company (the measuring user is given the company;
    a copy would keep links to records of the first company)."""
    company = env["res.company"].create({"name": f"查询计数测试公司 {index}"})
    return source.create({"name": f"{source.name} {index}", "company_id": company.id})


def _new_ci_impact(env, index, source):
    """Impact lines are made by the impact analysis (a transient model): one line per CI."""
    return env["svcms.ci.impact"].create({"ci_id": env["svcms.ci"].search([], offset=index, limit=1).id})


# Models whose records copy() cannot multiply (a unique key that is no code, name or period, a report on SQL,
# a transient model): a function (superuser environment, index, an existing record or nothing) making one more.
SEEDERS = {
    "svcms.major.incident": _unused("incident_id"),
    "svcms.customer.relationship": _unused("partner_id"),
    "svcms.technician": _unused("employee_id"),
    "svcms.recall.line": _unused("partner_id"),
    "svcms.sla.workload.report": _new_workload_row,
    "svcms.ci.impact": _new_ci_impact,
    "svcms.change.policy": _in_new_company,
}

# Models of which fewer than 2N records can be made, measured with pages of fewer records (at least one and two:
# a query made per record is still made twice on the larger page), each with its reason. The test asserts that
# exactly these models need it.
SMALL_PAGES = {}

# Fields of Odoo's own models computed by Odoo one record at a time, left out of the measured specification:
# (model, field): reason. Not svcms code; the test asserts each is still in its view.
ODOO_FIELDS = {
    # stock/models/stock_lot.py _compute_partner_ids sorts each lot's delivery pickings by date_done: the
    # pickings of each lot are read apart (its browse() prefetches only that lot's pickings)
    ("stock.lot", "partner_ids"): "Odoo's stock reads the delivery pickings of each lot apart",
}


@tagged("post_install", "-at_install")
class TestViewQueryCounts(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {}
        cls.small_pages = set()
        cls.odoo_fields = set()

    # ------------------------------------------------------------------ which views
    def _views(self):
        """(view, view type) of every list view to check and of the overview kanban."""
        View = self.env["ir.ui.view"].with_context(active_test=False)
        data = self.env["ir.model.data"].search([("model", "=", "ir.ui.view"), ("module", "in", SVCMS_ADDONS)])
        svcms_views = View.browse(data.mapped("res_id")).filtered("active")
        lists = svcms_views.filtered(lambda v: v.type == "list" and v.mode == "primary")
        # list views of Odoo models the svcms addons extend with columns
        extended = svcms_views.filtered(lambda v: v.type == "list" and v.mode == "extension")
        for view in extended:
            while view.mode == "extension":
                view = view.inherit_id
            lists |= view
        own_models = View.search([("type", "=", "list"), ("mode", "=", "primary"), ("model", "=like", "svcms.%")])
        lists |= own_models.filtered("active")
        kanban = self.env.ref("svcms_base.svcms_management_system_view_kanban_overview")
        return [(view, "list") for view in lists.sorted("id")] + [(kanban, "kanban")]

    # ------------------------------------------------------------------ who reads
    def _reader(self, model):
        """A non-admin user who may read ``model``: its addon's manager if that may, else the least privileged."""
        if model in READER_GROUPS:
            return self._user(READER_GROUPS[model])
        accesses = self.env["ir.model.access"].search([("model_id.model", "=", model), ("perm_read", "=", True)])
        reading = accesses.mapped("group_id")
        if accesses.filtered(lambda a: not a.group_id):
            reading |= self.env.ref("base.group_user")
        module = self.env[model]._original_module
        order = [MANAGER_GROUPS[module]] if module in MANAGER_GROUPS else []
        order += [g for g in MANAGER_GROUPS.values() if g not in order]
        for xmlid in order:
            if self.env.ref(xmlid).all_implied_ids & reading:
                return self._user((xmlid,))
        excluded = self.env["res.groups"].browse([self.env.ref(x).id for x in EXCLUDED_GROUPS])
        candidates = (reading - excluded).sorted(lambda g: (len(g.all_implied_ids), g.id))
        self.assertTrue(candidates, f"{model}: no non-admin group may read it")
        return self._user((candidates[0].get_external_id()[candidates[0].id],))

    def _user(self, groups):
        if groups not in self.users:
            login = f"view_queries_{len(self.users)}"
            self.users[groups] = new_test_user(self.env, login=login, groups=",".join(groups))
        return self.users[groups]

    # ------------------------------------------------------------------ what the client asks
    def _specification(self, model, view, view_type, user):
        result = self._as(self.env[model], user).get_views([(view.id, view_type)])
        arch = etree.fromstring(result["views"][view_type]["arch"])
        fields = self.env[model]._fields
        spec = {}
        for node in arch.iter("field"):
            if any(parent.tag == "field" for parent in node.iterancestors()):
                continue  # a field of an inline sub-view
            name = node.get("name")
            field = fields[name]
            if (model, name) in ODOO_FIELDS:
                self.odoo_fields.add((model, name))
                continue
            if field.type == "many2one" or (
                field.type in ("many2many", "one2many")
                and (field.type == "many2many" or node.get("widget") in TAG_WIDGETS)
            ):
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec.setdefault(name, {})
        return spec, arch.get("default_order")

    # ------------------------------------------------------------------ records
    def _ensure_records(self, model, user, count):
        """Make records (as superuser) until ``user`` sees ``count``; return how many the user sees."""
        Model = self.env[model].with_context(active_test=False)
        visible = Model.browse(self._as(Model, user).search([], limit=count).ids)
        errors = []
        for index in range(3 * count):
            if self._as(Model, user).search_count([]) >= count:
                break
            source = visible[index % len(visible)] if visible else Model
            attempts = (
                [SEEDERS[model]]
                if model in SEEDERS
                else [
                    lambda env, index, source: source.copy(),
                    lambda env, index, source: source.copy(_renamed(source, index)),
                    lambda env, index, source: source.copy(_older(source, index)),
                    lambda env, index, source: source.copy({**_renamed(source, index), **_older(source, index)}),
                ]
            )
            for attempt in attempts:
                if not source and model not in SEEDERS:
                    errors.append(f"no {model} record {user.login} can read to copy")
                    break
                try:
                    with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                        made = attempt(self.env, index, source)
                        if "company_id" in made._fields and made.company_id not in user.company_ids:
                            user.company_ids |= made.company_id  # the user works in every company
                    break
                except Exception as error:  # noqa: BLE001 - the next way is tried, the errors are reported
                    errors.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
            else:
                break  # no way made one: no use trying again
        self.env.flush_all()
        return self._as(Model, user).search_count([]), errors

    @staticmethod
    def _as(Model, user):
        """``Model`` as ``user`` with their language and all their companies selected, as the web client sends it."""
        return Model.with_user(user).with_context(user.context_get(), allowed_company_ids=user.company_ids.ids)

    def _queries(self, Model, spec, order, offset, limit):
        """The queries (SQL without parameters) of the page the web client asks for, and its length."""
        self.env.flush_all()
        self.env.invalidate_all()
        queries = []
        execute = Cursor.execute

        def logged(cr, query, params=None, log_exceptions=None):
            text = " ".join((query.code if isinstance(query, SQL) else query).split())
            queries.append(REPEATED_GROUP.sub(r"\1", text))  # one VALUES row for all records: one query
            return execute(cr, query, params, log_exceptions)

        with patch.object(Cursor, "execute", logged), patch("random.random", lambda: 1):
            result = Model.web_search_read([], spec, offset=offset, limit=limit, order=order, count_limit=10001)
        return Counter(queries), len(result["records"])

    def _growth(self, view, view_type, user):
        """The queries a page of 2N records repeats more often than both of its halves (pages of N) do.

        A query made once per record (or per few records) is repeated more often on the larger page. A query
        made once per page is not, even when it reads a comodel only the records of one half refer to (the
        pages of demo data are not alike): comparing with each half, query by query, tells the two apart.
        """
        model = view.model
        visible, errors = self._ensure_records(model, user, 2 * N)
        size = N if visible >= 2 * N else visible // 2
        if size < N:
            self.assertIn(model, SMALL_PAGES, f"{user.login} sees {visible} records, no more could be made: {errors}")
            self.assertGreaterEqual(size, 1, f"{user.login} sees {visible} records, no more could be made: {errors}")
            self.small_pages.add(model)
        spec, order = self._specification(model, view, view_type, user)
        Model = self._as(self.env[model], user)
        self._queries(Model, spec, order, 0, 2 * size)  # warm-up: caches of access rights, rules, views
        first, first_len = self._queries(Model, spec, order, 0, size)
        second, second_len = self._queries(Model, spec, order, size, size)
        whole, whole_len = self._queries(Model, spec, order, 0, 2 * size)
        self.assertEqual((first_len, second_len, whole_len), (size, size, 2 * size), "pages of unexpected sizes")
        halves = first | second  # Counter union: the larger count of each query
        growth = whole - halves  # Counter difference: only what the whole page repeats more often
        return growth, first.total(), second.total(), whole.total()

    def test_query_count_independent_of_page_size(self):
        problems, checked, unlike = [], [], []
        for view, view_type in self._views():
            xmlid = view.get_external_id()[view.id] or f"ir.ui.view,{view.id}"
            try:
                user = self._reader(view.model)  # outside the savepoint: users are kept for other views
                with self.env.cr.savepoint():
                    growth, first, second, whole = self._growth(view, view_type, user)
            except Exception as error:  # noqa: BLE001 - every view's problem is listed, not only the first
                problems.append(f"{xmlid} ({view.model}): {type(error).__name__}: {error}")
                continue
            if growth:
                problems.append(
                    f"{xmlid} ({view.model}): {first} and {second} queries for the pages of {N} records, {whole} for "
                    f"{2 * N}; repeated more often:\n    "
                    + "\n    ".join(f"{count} x {query[:300]}" for query, count in growth.items())
                )
            elif whole > max(first, second):
                # more queries but none repeated: the larger page reads a comodel only one half refers to
                unlike.append(f"{xmlid} ({first}, {second}, {whole})")
            checked.append(xmlid)
        _logger.info("query counts checked on %d views: %s", len(checked), ", ".join(checked))
        _logger.info("pages of unlike records (queries of the halves and of the whole page): %s", ", ".join(unlike))
        self.assertFalse(problems, f"{len(problems)} views fail:\n" + "\n".join(problems))
        self.assertEqual(self.small_pages, set(SMALL_PAGES), "SMALL_PAGES lists exactly the models that need it")
        self.assertLessEqual(len(SMALL_PAGES), 5, "too many models measured on small pages")
        self.assertEqual(self.odoo_fields, set(ODOO_FIELDS), "ODOO_FIELDS lists only fields still in the views")
        self.assertGreater(len(checked), 100)
