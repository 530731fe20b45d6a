from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# relation types along which an incident on the target impacts the source (connected_to: both ways)
IMPACT_TYPES = ("depends_on", "runs_on", "part_of", "connected_to")
# bound of the impact walk: a cycle cannot be followed further (UNION over (ci, depth) stops it)
IMPACT_MAX_DEPTH = 50
# what a change of the configuration is: on a CI type under change control only a change writes these (its CMDB
# updates); the name, owner and description stay free
CONTROLLED_FIELDS = frozenset({"status", "type_id", "attributes", "product_id", "lot_id", "location", "company_id"})


class SvcmsCi(models.Model):
    """A configuration item (ISO/IEC 20000-1 8.2.5–8.2.6)."""

    _name = "svcms.ci"
    _description = "Configuration Item"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin"]
    _order = "identifier, id"
    _check_company_auto = True
    _rec_names_search = ["identifier", "name"]

    _svcms_evidence_clauses = {"iso20000": ("8.2.5", "8.2.6")}
    _svcms_evidence_date_field = None
    _svcms_evidence_domain = [("status", "!=", "retired")]

    name = fields.Char(required=True, tracking=True)
    identifier = fields.Char(required=True, index=True, copy=False, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    type_id = fields.Many2one("svcms.ci.type", required=True, index=True, tracking=True)
    status = fields.Selection(
        [("planned", "Planned"), ("active", "Active"), ("maintenance", "In Maintenance"), ("retired", "Retired")],
        required=True,
        default="active",
        tracking=True,
        index=True,
    )
    relation_ids = fields.One2many("svcms.ci.relation", "source_id", string="Relations")
    incoming_relation_ids = fields.One2many(
        "svcms.ci.relation", compute="_compute_incoming_relation_ids", string="Incoming Relations"
    )
    attributes = fields.Properties(definition="type_id.attribute_definition", copy=True)
    owner_id = fields.Many2one("res.users", tracking=True, check_company=True, default=lambda self: self.env.user)
    location = fields.Char(tracking=True)
    product_id = fields.Many2one("product.product", tracking=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        tracking=True,
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    supplier_id = fields.Many2one("res.partner", tracking=True, check_company=True)
    description = fields.Html()
    service_ids = fields.Many2many(
        "svcms.service", compute="_compute_service_ids", string="Services", help="Services this CI supports."
    )

    _identifier_company_uniq = models.Constraint(
        "UNIQUE(company_id, identifier)", "The identifier of a configuration item must be unique per company."
    )

    def _compute_incoming_relation_ids(self):
        relations = self.env["svcms.ci.relation"].search([("target_id", "in", self.ids)])
        for ci in self:
            ci.incoming_relation_ids = relations.filtered(lambda rel, ci=ci: rel.target_id == ci)

    def _compute_service_ids(self):
        services = self.env["svcms.service"].search([("ci_ids", "in", self.ids)])
        for ci in self:
            ci.service_ids = services.filtered(lambda service, ci=ci: ci in service.ci_ids)

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.lot_id and self.lot_id.product_id != self.product_id:
            self.lot_id = False

    @api.constrains("product_id", "lot_id")
    def _check_lot_product(self):
        for ci in self:
            if ci.lot_id and ci.lot_id.product_id != ci.product_id:
                raise ValidationError(
                    self.env._(
                        "The serial number %(lot)s of configuration item %(ci)s belongs to product %(product)s.",
                        lot=ci.lot_id.name,
                        ci=ci.display_name,
                        product=ci.lot_id.product_id.display_name,
                    )
                )

    @api.depends("identifier", "name")
    def _compute_display_name(self):
        for ci in self:
            ci.display_name = f"[{ci.identifier}] {ci.name}" if ci.identifier else ci.name

    # ------------------------------------------------------------------
    # impact analysis
    # ------------------------------------------------------------------

    @api.private
    def _svcms_impact(self):
        """What an outage of the CIs of ``self`` impacts, in one recursive SQL query.

        A CI X is impacted by Y when X depends on / runs on / is part of Y, or X and Y are connected (either
        way), transitively. Returns ``{"cis": {ci_id: depth}, "services": {service_id: depth},
        "customers": {partner_id: depth}}`` (depth: the shortest distance; services and customers of the CIs
        of ``self`` themselves have depth 0). A breadth-first walk with one row per level: each CI is expanded
        once, so cycles cost nothing and the depth found is the shortest.
        """
        if not self:
            return {"cis": {}, "services": {}, "customers": {}}
        self.env["svcms.ci.relation"].flush_model(["source_id", "target_id", "relation_type"])
        service_model = self.env["svcms.service"]
        service_model.flush_model(["ci_ids", "customer_ids"])
        ci_field = service_model._fields["ci_ids"]
        customer_field = service_model._fields["customer_ids"]
        query = SQL(
            """
            WITH RECURSIVE bfs(frontier, seen, depth) AS (
                SELECT %(ids)s::int[], %(ids)s::int[], 0
                UNION ALL
                -- one row per level: the CIs first reached at that depth; "seen" keeps every CI reached so
                -- far, so that each CI is expanded once (a hashed EXCEPT), whatever the cycles
                SELECT next_level.ids, bfs.seen || next_level.ids, bfs.depth + 1
                  FROM bfs
                 CROSS JOIN LATERAL (
                       SELECT array_agg(candidate.ci_id) AS ids
                         FROM (
                               SELECT rel.source_id AS ci_id FROM svcms_ci_relation rel
                                WHERE rel.target_id = ANY(bfs.frontier) AND rel.relation_type IN %(types)s
                               UNION
                               SELECT rel.target_id FROM svcms_ci_relation rel
                                WHERE rel.source_id = ANY(bfs.frontier) AND rel.relation_type = 'connected_to'
                               EXCEPT
                               SELECT unnest(bfs.seen)
                              ) candidate
                       ) next_level
                 WHERE next_level.ids IS NOT NULL AND bfs.depth < %(max_depth)s
            ), impacted AS (
                SELECT unnest(frontier) AS ci_id, depth FROM bfs
            ), services AS (
                SELECT rel.%(ci_col1)s AS service_id, MIN(impacted.depth) AS depth
                  FROM impacted JOIN %(ci_rel)s rel ON rel.%(ci_col2)s = impacted.ci_id
              GROUP BY rel.%(ci_col1)s
            )
            SELECT 'ci', ci_id, depth FROM impacted WHERE depth > 0
            UNION ALL
            SELECT 'service', service_id, depth FROM services
            UNION ALL
            SELECT 'customer', crel.%(cu_col2)s, MIN(services.depth)
              FROM services JOIN %(cu_rel)s crel ON crel.%(cu_col1)s = services.service_id
          GROUP BY crel.%(cu_col2)s
            """,
            types=IMPACT_TYPES,
            ids=list(self.ids),
            max_depth=IMPACT_MAX_DEPTH,
            ci_rel=SQL.identifier(ci_field.relation),
            ci_col1=SQL.identifier(ci_field.column1),
            ci_col2=SQL.identifier(ci_field.column2),
            cu_rel=SQL.identifier(customer_field.relation),
            cu_col1=SQL.identifier(customer_field.column1),
            cu_col2=SQL.identifier(customer_field.column2),
        )
        result = {"cis": {}, "services": {}, "customers": {}}
        keys = {"ci": "cis", "service": "services", "customer": "customers"}
        for kind, record_id, depth in self.env.execute_query(query):
            result[keys[kind]][record_id] = depth
        return result

    def write(self, vals):
        if CONTROLLED_FIELDS.intersection(vals):
            self._svcms_check_change_control()
        return super().write(vals)

    def _svcms_check_change_control(self):
        """Refuse a direct change of CIs whose type the company's change policy puts under change control. A
        completed change applies its CMDB updates as the system (superuser), which passes."""
        if self.env.su or not self:
            return
        policies = self.env["svcms.change.policy"].sudo().search([("company_id", "in", self.company_id.ids)])
        controlled = {
            (policy.company_id.id, ci_type.id) for policy in policies for ci_type in policy.controlled_ci_type_ids
        }
        locked = self.filtered(lambda ci: (ci.company_id.id, ci.type_id.id) in controlled)
        if locked:
            raise UserError(
                self.env._(
                    "%(cis)s: configuration items of type %(types)s are under change control. Raise a change: its "
                    "CMDB updates are applied when it is completed.",
                    cis=", ".join(locked.mapped("display_name")),
                    types=", ".join(locked.type_id.mapped("name")),
                )
            )

    def action_impact_analysis(self):
        """Open the CIs, services and customers an outage of these CIs impacts."""
        impact = self._svcms_impact()
        Line = self.env["svcms.ci.impact"]
        vals = [{"source_ci_ids": self.ids, "ci_id": ci_id, "depth": depth} for ci_id, depth in impact["cis"].items()]
        vals += [
            {"source_ci_ids": self.ids, "service_id": service_id, "depth": depth}
            for service_id, depth in impact["services"].items()
        ]
        vals += [
            {"source_ci_ids": self.ids, "customer_id": partner_id, "depth": depth}
            for partner_id, depth in impact["customers"].items()
        ]
        lines = Line.create(vals)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Impact Analysis: %(cis)s", cis=", ".join(self.mapped("display_name"))),
            "res_model": "svcms.ci.impact",
            "view_mode": "list",
            "domain": [("id", "in", lines.ids)],
            "context": {"group_by": ["kind"]},
            "target": "current",
        }
