from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .workflow_mixin import Transition

ACTIVITY_COPY_RETURN = "svcms_base.mail_activity_document_copy_return"
USER_GROUP = "svcms_base.group_svcms_user"


class SvcmsDocumentCopy(models.Model):
    """A numbered controlled copy (受控副本) of an effective revision, issued to a holder."""

    _name = "svcms.document.copy"
    _description = "Controlled Copy"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin"]
    _order = "document_id, name, id"
    _check_company_auto = True
    _rec_names_search = ["name", "document_id"]

    # whether a printout is controlled depends on the copy's status: it only moves forward
    _svcms_transitions = {
        "return": Transition(("issued",), "returned", date_field="return_date", group=USER_GROUP),
        "withdraw": Transition(("issued",), "withdrawn", date_field="withdrawn_date", group=USER_GROUP),
    }
    _svcms_creator_fields = ("issued_by_id",)
    _svcms_fixed_fields = ("document_id", "name")
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("issued",)
    # the distribution list is a record: copies are returned or withdrawn, never deleted
    _svcms_deletable_states = ()

    name = fields.Char(string="Copy Number", readonly=True, copy=False, index=True)
    document_id = fields.Many2one(
        "svcms.document",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('state', '=', 'effective')]",
        tracking=True,
    )
    number = fields.Char(related="document_id.number", string="Document Number")
    revision = fields.Char(related="document_id.revision")
    document_state = fields.Selection(related="document_id.state", string="Document Status")
    company_id = fields.Many2one(related="document_id.company_id", store=True, index=True)
    holder_employee_id = fields.Many2one("hr.employee", string="Holder", check_company=True, tracking=True)
    holder_department_id = fields.Many2one("hr.department", check_company=True, tracking=True)
    holder_user_id = fields.Many2one(
        "res.users",
        compute="_compute_holder_user_id",
        store=True,
        index=True,
        help="Notified when the copy is withdrawn: the holder's user, or the department manager's.",
    )
    location = fields.Char(
        string="Storage Location", help="Where the copy is kept, e.g. the after-sales service centre's file cabinet."
    )
    issue_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    issued_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    return_date = fields.Date(readonly=True, copy=False, tracking=True)
    withdrawn_date = fields.Date(readonly=True, copy=False, tracking=True)
    state = fields.Selection(
        [("issued", "Issued"), ("returned", "Returned"), ("withdrawn", "Withdrawn")],
        default="issued",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    is_controlled = fields.Boolean(
        compute="_compute_is_controlled",
        string="Controlled",
        help="Printouts of an issued copy of an effective revision are controlled; any other printout is not.",
    )

    _document_name_uniq = models.Constraint(
        "UNIQUE(document_id, name)",
        "A copy number is used once per document revision.",
    )

    @api.depends("holder_employee_id.user_id", "holder_department_id.manager_id.user_id")
    def _compute_holder_user_id(self):
        for copy in self:
            copy.holder_user_id = copy.holder_employee_id.user_id or copy.holder_department_id.manager_id.user_id

    @api.depends("state", "document_id.state")
    def _compute_is_controlled(self):
        for copy in self:
            copy.is_controlled = copy.state == "issued" and copy.document_id.state == "effective"

    @api.depends("name", "document_id.number", "document_id.revision")
    def _compute_display_name(self):
        for copy in self:
            reference = " ".join(part for part in (copy.document_id.number, copy.document_id.revision) if part)
            copy.display_name = f"{reference} #{copy.name or ''}".strip()

    @api.constrains("document_id", "holder_employee_id", "holder_department_id")
    def _check_holder(self):
        for copy in self:
            if not (copy.holder_employee_id or copy.holder_department_id):
                raise ValidationError(self.env._("A controlled copy is issued to an employee or a department."))

    @api.model_create_multi
    def create(self, vals_list):
        documents = self.env["svcms.document"].browse(
            [vals["document_id"] for vals in vals_list if vals.get("document_id")]
        )
        not_effective = documents.filtered(lambda d: d.state != "effective")
        if not_effective:
            raise UserError(
                self.env._(
                    "Controlled copies are issued from effective revisions only; %s is not effective.",
                    not_effective[0].display_name,
                )
            )
        used = defaultdict(int)
        for document, names in self.sudo()._read_group(
            [("document_id", "in", documents.ids)], ["document_id"], ["name:array_agg"]
        ):
            used[document.id] = max((int(name) for name in names if name and name.isdigit()), default=0)
        for vals in vals_list:
            if not vals.get("name") and vals.get("document_id"):
                used[vals["document_id"]] += 1
                vals["name"] = f"{used[vals['document_id']]:02d}"
        return super().create(vals_list)

    def action_return(self):
        self._svcms_transition("return")
        self.activity_feedback([ACTIVITY_COPY_RETURN])
        return True

    def action_withdraw(self):
        self._svcms_check_transition("withdraw")
        self._withdraw()
        return True

    def _withdraw(self):
        """Withdraw issued copies: holders are asked to hand them back, and both chatters keep the trace."""
        copies = self.filtered(lambda c: c.state == "issued")
        if not copies:
            return
        # also done by the approval or withdrawal of the revision, whoever performs it
        copies._svcms_write_workflow({"state": "withdrawn", "withdrawn_date": fields.Date.context_today(self)})
        activity_type = self.env.ref(ACTIVITY_COPY_RETURN)
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": copy.id,
                    "user_id": copy.holder_user_id.id,
                    "summary": addressed.env._("Return withdrawn controlled copy %s", addressed.display_name),
                    "automated": True,
                }
                for copy in copies
                if copy.holder_user_id
                # in the language of the holder asked to return it
                for addressed in [copy._svcms_for_user(copy.holder_user_id)]
            ]
        )
        for copy in copies.sudo():
            # addressed to the holder: in the holder's language (the company's when the holder has no user)
            copy = copy._svcms_for_user(copy.holder_user_id)
            copy.message_post(
                body=copy.env._(
                    "Copy withdrawn: revision %s is no longer in force. Please return it to document control.",
                    copy.revision,
                ),
                partner_ids=copy.holder_user_id.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        for document, document_copies in copies.sudo().grouped("document_id").items():
            document = document._svcms_for_company()
            holders = ", ".join(
                f"{copy.name} ({(copy.holder_employee_id or copy.holder_department_id).display_name})"
                for copy in document_copies
            )
            document.message_post(
                body=document.env._("Controlled copies withdrawn: %s", holders), message_type="notification"
            )

    def action_print(self):
        # data={}: XML-RPC cannot carry the None report_action() puts there by default
        return self.env.ref("svcms_base.action_report_document_copy").report_action(self, data={})
