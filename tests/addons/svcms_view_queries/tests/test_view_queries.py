"""Every SVCMS list view and the overview kanban read a page in a number of queries independent of its size.

For each view the test builds the specification the web client sends (the view's fields; many2one and
many2many with their `display_name`), makes sure at least 2N+1 records are visible to a non-admin user who
may read the model, and counts the queries of `web_search_read(limit=N)` and `web_search_read(limit=2N)`
after a warm-up call: a compute doing one query per record makes the second count larger.
"""

import logging
from collections import Counter
from unittest.mock import patch

from lxml import etree

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

# Views whose records the test cannot make, by view xml id, each with its reason. The test asserts that this
# list stays short and that every entry still names an existing view that still cannot be covered.
UNCOVERABLE = {}

# Per-model values for models that have too few (demo) records and whose copy() is refused: a function of the
# environment (superuser) and an index returning the values of one new record.
FACTORIES = {}


@tagged("post_install", "-at_install")
class TestViewQueryCounts(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {}

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
        accesses = self.env["ir.model.access"].search([("model_id.model", "=", model), ("perm_read", "=", True)])
        reading = accesses.mapped("group_id")
        if accesses.filtered(lambda a: not a.group_id):
            reading |= self.env.ref("base.group_user")
        excluded = self.env["res.groups"].browse([self.env.ref(x).id for x in EXCLUDED_GROUPS])
        module = self.env[model]._original_module
        order = [MANAGER_GROUPS[module]] if module in MANAGER_GROUPS else []
        order += [g for g in MANAGER_GROUPS.values() if g not in order]
        for xmlid in order:
            group = self.env.ref(xmlid)
            if group.all_implied_ids & reading:
                return self._user(group)
        candidates = (reading - excluded).sorted(lambda g: (len(g.all_implied_ids), g.id))
        self.assertTrue(candidates, f"{model}: no non-admin group may read it")
        return self._user(candidates[0])

    def _user(self, group):
        if group not in self.users:
            login = f"view_queries_{group.id}"
            self.users[group] = new_test_user(self.env, login=login, groups=group.get_external_id()[group.id])
        return self.users[group]

    # ------------------------------------------------------------------ what the client asks
    def _specification(self, model, view, view_type, user):
        result = self.env[model].with_user(user).get_views([(view.id, view_type)])
        arch = etree.fromstring(result["views"][view_type]["arch"])
        fields = self.env[model]._fields
        spec = {}
        for node in arch.iter("field"):
            if any(parent.tag == "field" for parent in node.iterancestors()):
                continue  # a field of an inline sub-view
            name = node.get("name")
            field = fields[name]
            if field.type == "many2one" or (field.type in ("many2many", "one2many") and (
                field.type == "many2many" or node.get("widget") in TAG_WIDGETS
            )):
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec.setdefault(name, {})
        return spec, arch.get("default_order")

    # ------------------------------------------------------------------ records
    def _ensure_records(self, model, user, count):
        Model = self.env[model].with_context(active_test=False)
        visible = Model.with_user(user).search([], limit=count)
        missing = count - len(visible)
        index = 0
        while missing > 0:
            if model in FACTORIES:
                Model.create(FACTORIES[model](self.env, index))
            elif visible:
                source = visible[index % len(visible)]
                try:
                    with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                        Model.browse(source.id).copy()
                except Exception as error:  # noqa: BLE001 - reported with the model's name
                    raise AssertionError(f"{model}: copy() refused ({error}); give it a factory") from error
            else:
                raise AssertionError(f"{model}: no record {user.login} can read to copy; give it a factory")
            index += 1
            missing -= 1
            if index > 3 * count:
                break
        self.env.flush_all()
        return Model.with_user(user).search_count([])

    # ------------------------------------------------------------------ counting
    def _queries(self, Model, spec, order, offset, limit):
        """The queries (SQL without parameters) of the page the web client asks for, and its length."""
        self.env.flush_all()
        self.env.invalidate_all()
        queries = []
        execute = Cursor.execute

        def logged(cr, query, params=None, log_exceptions=None):
            queries.append(" ".join((query.code if isinstance(query, SQL) else query).split()))
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
        visible = self._ensure_records(model, user, 2 * N)
        self.assertGreaterEqual(visible, 2 * N, f"{user.login} sees only {visible} {model} records")
        spec, order = self._specification(model, view, view_type, user)
        Model = self.env[model].with_user(user)
        self._queries(Model, spec, order, 0, 2 * N)  # warm-up: caches of access rights, rules, views
        first, first_len = self._queries(Model, spec, order, 0, N)
        second, second_len = self._queries(Model, spec, order, N, N)
        whole, whole_len = self._queries(Model, spec, order, 0, 2 * N)
        self.assertEqual((first_len, second_len, whole_len), (N, N, 2 * N), "the pages are not of N, N, 2N records")
        halves = first | second  # Counter union: the larger count of each query
        growth = whole - halves  # Counter difference: only what the whole page repeats more often
        return growth, first.total(), second.total(), whole.total()

    def test_query_count_independent_of_page_size(self):
        uncovered = set(UNCOVERABLE)
        problems, checked = [], []
        for view, view_type in self._views():
            xmlid = view.get_external_id()[view.id] or f"ir.ui.view,{view.id}"
            if xmlid in UNCOVERABLE:
                uncovered.discard(xmlid)
                continue
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
            checked.append(xmlid)
        _logger.info("query counts checked on %d views: %s", len(checked), ", ".join(checked))
        self.assertFalse(problems, f"{len(problems)} views fail:\n" + "\n".join(problems))
        self.assertLessEqual(len(UNCOVERABLE), 5, "too many views left uncovered")
        self.assertFalse(uncovered, f"allow-listed views that no longer exist: {uncovered}")
        self.assertGreater(len(checked), 100)
