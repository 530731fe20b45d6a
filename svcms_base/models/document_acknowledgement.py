from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .workflow_mixin import Transition

ACTIVITY_READ = "svcms_base.mail_activity_document_read"


class SvcmsDocumentAcknowledgement(models.Model):
    """A reader's read-and-understood confirmation of one effective revision."""

    _name = "svcms.document.acknowledgement"
    _description = "Read-and-Understood Acknowledgement"
    _inherit = ["svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("7.3", "7.5.3")}
    _svcms_evidence_date_field = "confirmed_date"
    _svcms_evidence_domain = [("state", "=", "confirmed")]
    _order = "requested_date desc, id desc"
    _check_company_auto = True

    # a confirmation is the reader's own statement: evidence that nobody rewrites, reassigns or deletes
    _svcms_transitions = {
        "confirm": Transition(("pending",), "confirmed", date_field="confirmed_date"),
        "cancel": Transition(("pending",), "cancelled"),
    }
    _svcms_fixed_fields = ("document_id", "employee_id")
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("pending",)
    _svcms_deletable_states = ("pending",)

    document_id = fields.Many2one("svcms.document", required=True, ondelete="cascade", index=True, check_company=True)
    number = fields.Char(related="document_id.number", string="Document Number")
    revision = fields.Char(related="document_id.revision")
    employee_id = fields.Many2one("hr.employee", string="Reader", required=True, index=True, check_company=True)
    user_id = fields.Many2one(related="employee_id.user_id", store=True, index=True, string="User")
    department_id = fields.Many2one(related="employee_id.department_id", store=True, string="Department")
    company_id = fields.Many2one(related="document_id.company_id", store=True, index=True)
    state = fields.Selection(
        [("pending", "To Confirm"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    requested_date = fields.Datetime(string="Requested On", default=fields.Datetime.now, readonly=True)
    deadline = fields.Date(readonly=True)
    confirmed_date = fields.Datetime(string="Confirmed On", readonly=True)

    _document_employee_uniq = models.Constraint(
        "UNIQUE(document_id, employee_id)",
        "A reader confirms each revision once.",
    )

    @api.depends("employee_id", "document_id")
    def _compute_display_name(self):
        for acknowledgement in self:
            acknowledgement.display_name = (
                f"{acknowledgement.employee_id.name} – {acknowledgement.document_id.display_name}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if not vals.get("deadline") and vals.get("document_id"):
                document = self.env["svcms.document"].browse(vals["document_id"])
                vals["deadline"] = today + timedelta(days=document.document_type_id.acknowledgement_days)
        acknowledgements = super().create(vals_list)
        acknowledgements.filtered(lambda a: a.state == "pending" and a.user_id)._schedule_read_activities()
        return acknowledgements

    def _schedule_read_activities(self):
        activity_type = self.env.ref(ACTIVITY_READ)
        model_id = self.env["ir.model"]._get_id("svcms.document")
        self.env["mail.activity"].sudo().create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": acknowledgement.document_id.id,
                    "user_id": acknowledgement.user_id.id,
                    "date_deadline": acknowledgement.deadline,
                    "summary": addressed.env._("Read and confirm %s", addressed.document_id.display_name),
                    "automated": True,
                }
                for acknowledgement in self
                # in the language of the reader asked to confirm
                for addressed in [acknowledgement._svcms_for_user(acknowledgement.user_id)]
            ]
        )

    def _read_activities(self):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "svcms.document"),
                    ("res_id", "in", self.document_id.ids),
                    ("user_id", "in", self.user_id.ids),
                    ("activity_type_id", "=", self.env.ref(ACTIVITY_READ).id),
                ]
            )
            .filtered(lambda a: (a.res_id, a.user_id) in {(ack.document_id.id, ack.user_id) for ack in self})
        )

    def action_confirm(self):
        """The reader states they read and understood the revision: personal, nobody confirms for someone else."""
        self.check_access("read")
        for acknowledgement in self:
            if acknowledgement.user_id != self.env.user:
                raise UserError(
                    self.env._(
                        "Only %(reader)s can confirm having read %(document)s.",
                        reader=acknowledgement.employee_id.name,
                        document=acknowledgement.document_id.display_name,
                    )
                )
            if acknowledgement.state != "pending":
                raise UserError(
                    self.env._("%s has no pending read confirmation.", acknowledgement.document_id.display_name)
                )
        # readers may not edit acknowledgements: the step is theirs, performed as superuser once checked above
        self.sudo()._svcms_transition("confirm")
        self._read_activities().action_feedback(feedback=self.env._("Read and understood."))
        return True

    def _cancel(self):
        """The revision left force before these readers confirmed it: the request no longer stands."""
        self._read_activities().unlink()
        self.sudo()._svcms_transition("cancel")
