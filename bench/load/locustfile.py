"""Locust load mix for SVCMS on the demo database (issue #11 §4). Run by ``bench/load/run_load.py``.

Every request is made the way the Odoo 19 web client, the portal or an external system makes it, and is
checked: an HTTP error, a JSON-RPC answer with an ``error`` key, an XML-RPC fault or a portal page that does
not show what was asked all count as failures. Names: ``svcms: ...`` for SVCMS actions, ``anchor: ...`` for
stock Odoo (sale orders), which the report compares against.

Settings (environment, set by the driver): BENCH_DB, BENCH_INTEGRATION_LOGIN/BENCH_INTEGRATION_PASSWORD,
BENCH_RETURN_SERIALS (comma-separated serials the warehouse users may take back), BENCH_USERS (for the
number of warehouse and integration users), BENCH_WAIT ("min,max" think time in seconds).
"""

import ast
import functools
import itertools
import os
import random
import re
import xml.etree.ElementTree as ET
import xmlrpc.client

from locust import HttpUser, between, task
from locust.exception import RescheduleTask

DB = os.environ.get("BENCH_DB", "svcms_bench")
WAIT = tuple(float(x) for x in os.environ.get("BENCH_WAIT", "1,5").split(","))
RETURN_SERIALS = [s for s in os.environ.get("BENCH_RETURN_SERIALS", "").split(",") if s]
INTEGRATION_LOGIN = os.environ.get("BENCH_INTEGRATION_LOGIN", "bench_integration")
INTEGRATION_PASSWORD = os.environ.get("BENCH_INTEGRATION_PASSWORD", INTEGRATION_LOGIN)
# One warehouse clerk and one integration per 25 users (at least one of each): the rest by weight.
FIXED = max(1, int(os.environ.get("BENCH_USERS", "50")) // 25)

_serials = itertools.cycle(range(max(len(RETURN_SERIALS), 1)))
RETURN_REASON = "负载测试：客户退货"  # run_load.py cancels the open return orders with this reason
SEARCH_TERMS = ("张", "李", "空调", "冰箱", "洗衣机", "2026", "SR", "王", "安装", "维修")


class RpcFailure(RescheduleTask):
    """A checked request failed (already recorded as a failure): end the task quietly."""


def ready(method):
    """A task of a user whose start (log in, open the menu) failed starts it again first."""

    @functools.wraps(method)
    def wrapper(self):
        if not self.started:
            self.on_start()
        return method(self)

    return wrapper


# ----------------------------------------------------------------------
# Web client specification of a view (what the browser asks web_search_read / web_read for)
# ----------------------------------------------------------------------
X2MANY = ("one2many", "many2many")
RELATIONAL = ("many2one", "many2one_reference", *X2MANY)


def view_spec(arch, model, models):
    """The ``specification`` the web client sends for a view: its fields, a many2one's display name, an
    x2many's sub-view fields (or display names)."""
    fields = models.get(model, {}).get("fields", {})
    spec = {"display_name": {}} if "display_name" in fields else {}
    root = ET.fromstring(arch)
    _collect(root, model, models, fields, spec)
    return spec


def _collect(node, model, models, fields, spec):
    for child in node:
        if child.tag != "field":
            _collect(child, model, models, fields, spec)
            continue
        name = child.get("name")
        desc = fields.get(name)
        if not desc:
            continue
        ftype = desc.get("type")
        if ftype in X2MANY:
            comodel = desc.get("relation")
            sub = next((c for c in child if c.tag in ("list", "kanban")), None)
            if sub is not None:
                subfields = models.get(comodel, {}).get("fields", {})
                subspec = {}
                _collect(sub, comodel, models, subfields, subspec)
                spec[name] = {"fields": subspec or {"display_name": {}}, "limit": 40}
            else:
                spec[name] = {"fields": {"display_name": {}}}
        elif ftype in ("many2one",):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}


def default_domain(search_arch, action_context):
    """The domain of the search filters the action turns on (``search_default_<filter>``), as the browser
    applies them; filters whose domain is not a literal are left out."""
    try:
        context = ast.literal_eval(action_context or "{}")
    except (ValueError, SyntaxError):
        return []
    wanted = {key[len("search_default_") :] for key, value in context.items() if key.startswith("search_default_")}
    domain = []
    for node in ET.fromstring(search_arch).iter("filter"):
        if node.get("name") in wanted and node.get("domain"):
            try:
                domain += ast.literal_eval(node.get("domain"))
            except (ValueError, SyntaxError):
                continue
    return domain


# ----------------------------------------------------------------------
# Back-office users: the web client's JSON-RPC
# ----------------------------------------------------------------------
class WebClientUser(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    started = False
    login = None  # a demo user; its password is its login
    prefix = "svcms"
    label = None  # e.g. "service request"
    action = None  # XML id of the menu's window action

    def rpc(self, path, params, name):
        payload = {"jsonrpc": "2.0", "method": "call", "id": random.randint(1, 10**9), "params": params}
        with self.client.post(path, json=payload, name=name, catch_response=True) as resp:
            try:
                body = resp.json()
            except ValueError:
                resp.failure(f"HTTP {resp.status_code}, not JSON")
                raise RpcFailure(name) from None
            if resp.status_code != 200 or "error" in body:
                error = body.get("error", {})
                message = error.get("data", {}).get("message") or error.get("message") or resp.status_code
                resp.failure(f"{message}")
                raise RpcFailure(name)
            resp.success()
            return body["result"]

    def call_kw(self, model, method, args, kwargs, name):
        kwargs = {**kwargs, "context": {**self.odoo_context, **kwargs.get("context", {})}}
        path = f"/web/dataset/call_kw/{model}/{method}"
        return self.rpc(path, {"model": model, "method": method, "args": args, "kwargs": kwargs}, name)

    def call_button(self, model, method, ids, name):
        path = f"/web/dataset/call_button/{model}/{method}"
        params = {"model": model, "method": method, "args": [ids], "kwargs": {"context": self.odoo_context}}
        return self.rpc(path, params, name)

    def on_start(self):
        info = self.rpc(
            "/web/session/authenticate",
            {"db": DB, "login": self.login, "password": self.login},
            f"{self.prefix}: log in",
        )
        self.odoo_context = {**info["user_context"], "allowed_company_ids": [info["user_companies"]["current_company"]]}
        self.ids = []
        if self.action:
            self.load_action(self.action)
        self.started = True

    def load_action(self, xmlid):
        """Open the menu: the action, then its views (get_views), as the web client does once per session."""
        label = self.label
        action = self.rpc("/web/action/load", {"action_id": xmlid}, f"{self.prefix}: {label} action")
        self.model = action["res_model"]
        views = [[view_id, vtype] for view_id, vtype in action["views"] if vtype in ("list", "kanban", "form")]
        result = self.call_kw(
            self.model,
            "get_views",
            [],
            {
                "views": [*views, [False, "search"]],
                "options": {"action_id": action["id"], "load_filters": True, "toolbar": True},
            },
            f"{self.prefix}: {label} views",
        )
        arches = {vtype: result["views"][vtype]["arch"] for vtype in result["views"]}
        self.main_view = next(vtype for _id, vtype in views if vtype in ("list", "kanban"))
        self.list_spec = view_spec(arches[self.main_view], self.model, result["models"])
        self.form_spec = view_spec(arches["form"], self.model, result["models"]) if "form" in arches else None
        self.domain = default_domain(arches["search"], action.get("context"))
        self.search_fields = [
            f for f in ("name", "partner_id", "subject", "title", "product_id") if f in self.list_spec
        ] or ["display_name"]

    def search(self, domain, name):
        result = self.call_kw(
            self.model,
            "web_search_read",
            [],
            {
                "specification": self.list_spec,
                "domain": domain,
                "offset": 0,
                "limit": 80,
                "order": "",
                "count_limit": 10001,
                "context": {"bin_size": True},
            },
            name,
        )
        ids = [rec["id"] for rec in result["records"]]
        if ids:
            self.ids = ids
        return result

    def open_list(self):
        self.search(self.domain, f"{self.prefix}: {self.label} {self.main_view}")

    def search_list(self):
        term = random.choice(SEARCH_TERMS)
        field = random.choice(self.search_fields)
        self.search([*self.domain, (field, "ilike", term)], f"{self.prefix}: {self.label} search")

    def open_form(self):
        if not self.ids:
            self.search([], f"{self.prefix}: {self.label} {self.main_view}")
        if not self.ids or not self.form_spec:
            return
        record_id = random.choice(self.ids)
        records = self.call_kw(
            self.model,
            "web_read",
            [[record_id]],
            {"specification": self.form_spec, "context": {"bin_size": True}},
            f"{self.prefix}: {self.label} form",
        )
        if not records:
            raise RpcFailure("form: record not read")


class ListFormUser(WebClientUser):
    abstract = True

    @task(4)
    @ready
    def list_view(self):
        self.open_list()

    @task(2)
    @ready
    def search_view(self):
        self.search_list()

    @task(3)
    @ready
    def form_view(self):
        self.open_form()


class ServiceRequestDesk(ListFormUser):
    """After-sales clerk (赵静): service requests."""

    weight = 10
    login = "zhaojing"
    label = "service request"
    action = "svcms_aftersales.svcms_service_request_action"


class ComplaintDesk(ListFormUser):
    """After-sales manager (王磊): complaints."""

    weight = 6
    login = "wanglei"
    label = "complaint"
    action = "svcms_base.action_svcms_complaint"


class DocumentControl(ListFormUser):
    """Document controller (陈志强): controlled documents."""

    weight = 5
    login = "chenzhiqiang"
    label = "document"
    action = "svcms_base.action_svcms_document"


class OverviewManager(WebClientUser):
    """Management representative (李敏): the management system overview kanban."""

    weight = 3
    login = "limin"
    label = "overview"
    action = "svcms_base.svcms_overview_action"

    @task(3)
    @ready
    def kanban(self):
        self.open_list()

    @task(1)
    @ready
    def form_view(self):
        self.open_form()


class SaleOrderAnchor(ListFormUser):
    """Stock Odoo, the anchor: a salesman (Marc Demo) on sale orders."""

    weight = 10
    login = "demo"
    prefix = "anchor"
    label = "sale order"
    action = "sale.action_orders"

    def on_start(self):
        super().on_start()
        self.started = False
        self.customers = self.call_kw(
            "res.partner", "search", [[("customer_rank", ">", 0)]], {"limit": 20}, "anchor: sale order setup"
        )
        self.products = self.call_kw(
            "product.product", "search", [[("sale_ok", "=", True)]], {"limit": 20}, "anchor: sale order setup"
        )
        self.started = True

    @task(1)
    @ready
    def save_quotation(self):
        """The stock write the SVCMS writes compare with: a new quotation with one line (new form, save)."""
        self.call_kw(self.model, "onchange", [[], {}, [], self.form_spec], {}, "anchor: sale order new form")
        line = {"product_id": random.choice(self.products), "product_uom_qty": 1}
        values = {"partner_id": random.choice(self.customers), "order_line": [[0, 0, line]]}
        self.call_kw(self.model, "web_save", [[], values], {"specification": self.form_spec}, "anchor: sale order save")


class WarehouseClerk(WebClientUser):
    """Returns clerk (黄军): return orders. Processing one is repeatable: scan a delivered serial into a new
    return order, create its return receipt (stock return wizard), then cancel it (the receipt is cancelled and
    the serial is free again)."""

    fixed_count = FIXED
    login = "huangjun"
    label = "return order"
    action = "svcms_aftersales.action_svcms_return_order"

    def on_start(self):
        super().on_start()
        self.serial = RETURN_SERIALS[next(_serials)] if RETURN_SERIALS else None

    @task(3)
    @ready
    def list_view(self):
        self.open_list()

    @task(2)
    @ready
    def form_view(self):
        self.open_form()

    @task(1)
    @ready
    def process_return(self):
        if not self.serial:
            return
        # "New": the form's default values, as the web client asks for them
        self.call_kw(self.model, "onchange", [[], {}, [], self.form_spec], {}, "svcms: return order new form")
        created = self.call_kw(
            self.model,
            "web_save",
            [[], {"scan_serial": self.serial, "quantity": 1, "reason": RETURN_REASON}],
            {"specification": self.form_spec},
            "svcms: return order create (scan serial)",
        )
        order_id = created[0]["id"]
        try:
            self.call_button(self.model, "action_create_return", [order_id], "svcms: return order create receipt")
        finally:
            # cancelled in any case: an open return order would keep the serial from the next round
            self.call_button(self.model, "action_cancel", [order_id], "svcms: return order cancel")


# ----------------------------------------------------------------------
# Portal customers: pages and the request form
# ----------------------------------------------------------------------
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
LOT_OPTION = re.compile(r'<option value="(\d+)"')
REQUEST_LINK = re.compile(r'href="/my/service-requests/(\d+)')
PORTAL_LOGINS = itertools.cycle(("zhangjianguo", "lixiuying"))


class PortalCustomer(HttpUser):
    """A customer (张建国, 李秀英) on the portal: lists their requests, opens one, reports a fault."""

    weight = 10
    wait_time = between(*WAIT)
    started = False
    lang = ""  # the language prefix of the customer's pages (/zh_CN), as the links on the pages have it

    def page(self, url, name, must_contain):
        """GET a page; a redirection to the login page (session lost) is a failure, but for the login page."""
        url = self.lang + url if url.startswith("/my") else url
        with self.client.get(url, name=name, catch_response=True) as resp:
            lost = "/web/login" in resp.url and "/web/login" not in url
            if resp.status_code != 200 or must_contain not in resp.text or lost:
                resp.failure(f"HTTP {resp.status_code} at {resp.url}")
                raise RpcFailure(name)
            resp.success()
            return resp.text

    def on_start(self):
        self.login = next(PORTAL_LOGINS)
        html = self.page("/web/login", "svcms: portal login page", "csrf_token")
        data = {"login": self.login, "password": self.login, "db": DB, "csrf_token": CSRF.search(html).group(1)}
        with self.client.post("/web/login", data=data, name="svcms: portal log in", catch_response=True) as resp:
            if resp.status_code != 200 or "/web/login" in resp.url:
                resp.failure(f"login refused ({resp.url})")
                raise RpcFailure("portal login")
            resp.success()
        landing = re.match(r"https?://[^/]+(/[a-z]{2}(?:_[A-Za-z]{2,4})?)?/my", resp.url)
        self.lang = (landing and landing.group(1)) or ""
        self.request_ids = []
        self.started = True

    @task(4)
    @ready
    def list_requests(self):
        html = self.page("/my/service-requests", "svcms: portal service request list", "/my/service-requests")
        self.request_ids = REQUEST_LINK.findall(html) or self.request_ids

    @task(2)
    @ready
    def open_request(self):
        if not self.request_ids:
            return self.list_requests()
        request_id = random.choice(self.request_ids)
        self.page(f"/my/service-requests/{request_id}", "svcms: portal service request page", "o_portal")

    @task(1)
    @ready
    def create_request(self):
        html = self.page("/my/service-requests/new", "svcms: portal new request form", "csrf_token")
        lots = LOT_OPTION.findall(html)
        if not lots:
            raise RpcFailure("no delivered product on the portal form")
        data = {
            "csrf_token": CSRF.search(html).group(1),
            "lot_id": random.choice(lots),
            "request_type": "repair_report",
            "description": "负载测试：空调不制冷，外机不转",
        }
        name = "svcms: portal create request"
        with self.client.post("/my/service-requests/new", data=data, name=name, catch_response=True) as resp:
            if resp.status_code != 200 or not re.search(r"/my/service-requests/\d+", resp.url):
                resp.failure(f"not created: HTTP {resp.status_code} at {resp.url}")
                return
            resp.success()


# ----------------------------------------------------------------------
# The integration: XML-RPC on svcms.integration.api
# ----------------------------------------------------------------------
class IntegrationClient(HttpUser):
    """A call centre system logging complaints and reading statuses over XML-RPC (docs/integration.md)."""

    fixed_count = FIXED
    wait_time = between(*WAIT)
    started = False

    def xmlrpc(self, service, method, params, name):
        body = xmlrpc.client.dumps(tuple(params), method, allow_none=False)
        headers = {"Content-Type": "text/xml"}
        with self.client.post(f"/xmlrpc/2/{service}", data=body, headers=headers, name=name, catch_response=True) as r:
            try:
                (result,), _method = xmlrpc.client.loads(r.content)
            except xmlrpc.client.Fault as fault:
                r.failure(fault.faultString.strip().splitlines()[-1][:300])
                raise RpcFailure(name) from None
            except Exception as exc:  # noqa: BLE001 - any unreadable answer is a failure of this request
                r.failure(f"HTTP {r.status_code}: {exc}")
                raise RpcFailure(name) from None
            r.success()
            return result

    def api(self, method, args, name):
        params = (DB, self.uid, INTEGRATION_PASSWORD, "svcms.integration.api", method, args, {})
        return self.xmlrpc("object", "execute_kw", params, name)

    def on_start(self):
        self.uid = self.xmlrpc(
            "common", "authenticate", (DB, INTEGRATION_LOGIN, INTEGRATION_PASSWORD, {}), "svcms: integration log in"
        )
        if not self.uid:
            raise RpcFailure("integration login refused")
        params = (DB, self.uid, INTEGRATION_PASSWORD, "res.partner", "search", [[("customer_rank", ">", 0)]], {})
        self.partner_ids = self.xmlrpc("object", "execute_kw", params, "svcms: integration setup") or []
        self.references = []
        self.serials = RETURN_SERIALS or ["KFR35-2026-0001"]
        self.started = True

    @task(2)
    @ready
    def create_complaint(self):
        if not self.partner_ids:
            raise RpcFailure("no customer readable by the integration user")
        status = self.api(
            "create_complaint",
            [random.choice(self.partner_ids), "负载测试：上门服务迟到", "客户来电：约定上午上门，下午才到。", "phone"],
            "svcms: integration create complaint",
        )
        self.references = [status["reference"], *self.references][:20]

    @task(2)
    @ready
    def request_status(self):
        if not self.references:
            return self.create_complaint()
        self.api("request_status", [random.choice(self.references)], "svcms: integration request status")

    @task(1)
    @ready
    def warranty(self):
        self.api("warranty_entitlement", [random.choice(self.serials)], "svcms: integration warranty entitlement")
