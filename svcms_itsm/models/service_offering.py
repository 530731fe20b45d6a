from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# form field types the portal renders (Odoo property types)
PORTAL_PROPERTY_TYPES = ("char", "text", "selection", "boolean", "date", "integer")


class SvcmsServiceOffering(models.Model):
    """What a customer may request of a service (a catalogue item), published on the portal to the
    service's customers (ISO/IEC 20000-1 8.2.4, 8.6.2).

    The offering defines the request form (``form_definition``: Odoo properties, answered on each
    fulfilment), whether and by whom a request must be approved, the team that fulfils it, the target
    and the tasks copied to each request.
    """

    _name = "svcms.service.offering"
    _description = "Request Offering"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    service_id = fields.Many2one(
        "svcms.service", required=True, ondelete="cascade", index=True, check_company=True, tracking=True
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    description = fields.Html(translate=True, help="What the customer gets, shown on the portal's catalogue.")
    form_definition = fields.PropertiesDefinition(
        string="Form Fields",
        help="Questions the requester answers (text, choice, yes/no, date, number): the answers are stored on "
        "each request.",
    )
    requires_approval = fields.Boolean(
        tracking=True, help="A request waits for the approver's decision before it is fulfilled."
    )
    approval_by = fields.Selection(
        [("owner", "Service Owner"), ("group", "Members of a Group")],
        string="Approved By",
        default="owner",
        required=True,
        tracking=True,
    )
    approver_group_id = fields.Many2one("res.groups", tracking=True, help="Any member of this group may approve.")
    team_id = fields.Many2one(
        "svcms.team",
        string="Fulfilment Team",
        domain=[("res_model", "=", "svcms.service.fulfilment")],
        check_company=True,
        tracking=True,
        help="The team that fulfils the requests; its assignment policy picks the agent.",
    )
    target_days = fields.Integer(
        string="Target (Days)", tracking=True, help="Calendar days to fulfil a request once it is submitted."
    )
    task_names = fields.Text(
        string="Fulfilment Tasks", translate=True, help="One task per line: copied to every request of this offering."
    )
    is_published = fields.Boolean(
        string="Published on Portal",
        tracking=True,
        help="Customers of the service see the offering in the portal's catalogue and may request it.",
    )
    fulfilment_ids = fields.One2many("svcms.service.fulfilment", "offering_id", string="Requests")
    fulfilment_count = fields.Integer(compute="_compute_fulfilment_count", string="Number of Requests")

    @api.constrains("requires_approval", "approval_by", "approver_group_id")
    def _check_approver(self):
        for offering in self:
            if offering.requires_approval and offering.approval_by == "group" and not offering.approver_group_id:
                raise ValidationError(
                    self.env._("%(offering)s: choose the group whose members approve.", offering=offering.name)
                )

    @api.constrains("form_definition")
    def _check_form_definition(self):
        allowed = set(PORTAL_PROPERTY_TYPES)
        for offering in self:
            for prop in offering.form_definition or []:
                if prop.get("type") not in allowed:
                    raise ValidationError(
                        self.env._(
                            "%(offering)s: the form field %(field)s is of a type the portal cannot show; use text, "
                            "long text, choice, yes/no, date or whole number.",
                            offering=offering.name,
                            field=prop.get("string") or prop.get("name"),
                        )
                    )

    def _compute_fulfilment_count(self):
        groups = self.env["svcms.service.fulfilment"]._read_group(
            [("offering_id", "in", self.ids)], ["offering_id"], ["__count"]
        )
        counts = {offering.id: count for offering, count in groups}
        for offering in self:
            offering.fulfilment_count = counts.get(offering.id, 0)

    @api.model
    def _svcms_portal_domain(self, partner):
        """Offerings ``partner`` may request on the portal: published, of a live service their company
        subscribes to."""
        return [
            ("is_published", "=", True),
            ("service_id.status", "=", "live"),
            ("service_id.customer_ids", "in", partner.commercial_partner_id.ids),
        ]

    def _svcms_portal_fields(self):
        """The form fields the portal renders: the definition's properties of a supported type."""
        self.ensure_one()
        return [prop for prop in self.form_definition or [] if prop.get("type") in PORTAL_PROPERTY_TYPES]

    def _svcms_parse_answers(self, form):
        """``{property name: value}`` from the posted ``form`` (strings), or a ``UserError`` naming the bad field."""
        self.ensure_one()
        answers = {}
        for prop in self._svcms_portal_fields():
            name, kind, label = prop["name"], prop["type"], prop.get("string") or prop["name"]
            raw = (form.get(name) or "").strip() if isinstance(form.get(name, ""), str) else form.get(name)
            if kind == "boolean":
                answers[name] = bool(raw)
            elif not raw:
                answers[name] = False
            elif kind in ("char", "text"):
                answers[name] = raw
            elif kind == "selection":
                options = {value for value, _label in prop.get("selection") or []}
                if raw not in options:
                    raise UserError(self.env._("Choose one of the proposed answers for “%(field)s”.", field=label))
                answers[name] = raw
            elif kind == "integer":
                try:
                    answers[name] = int(raw)
                except ValueError:
                    raise UserError(
                        self.env._("“%(field)s” must be a whole number, not “%(value)s”.", field=label, value=raw)
                    ) from None
            elif kind == "date":
                try:
                    answers[name] = fields.Date.to_string(fields.Date.to_date(raw))
                except ValueError:
                    raise UserError(
                        self.env._("“%(field)s” must be a date (YYYY-MM-DD), not “%(value)s”.", field=label, value=raw)
                    ) from None
        return answers

    def _svcms_task_names(self):
        self.ensure_one()
        return [line.strip() for line in (self.task_names or "").splitlines() if line.strip()]

    def action_view_fulfilments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Requests: %(offering)s", offering=self.display_name),
            "res_model": "svcms.service.fulfilment",
            "view_mode": "list,kanban,form",
            "domain": [("offering_id", "=", self.id)],
            "context": {"default_offering_id": self.id},
        }
