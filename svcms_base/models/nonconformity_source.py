from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

NONCONFORMITY_MODEL = "svcms.nonconformity"


class SvcmsNonconformitySource(models.AbstractModel):
    """A kind of record a nonconformity (ISO/IEC 20000-1 10.1, GB/T 27922 corrective action) may be raised from.

    A model inherits it to say "a nonconformity can come from me": a complaint, a breached service
    level, later an audit finding. It gives the default values of a nonconformity raised from the
    record (``_svcms_nonconformity_values``) and the button ``action_raise_nonconformity``, which
    opens the nonconformity form of the audit addon (``svcms.nonconformity``, addon svcms_audit)
    or, while that addon is not installed, says so.

    The audit addon fills ``nonconformity_count`` (by overriding ``_compute_nonconformity_count``)
    and links the nonconformities back through ``source_ref`` (``"<model>,<id>"``).
    """

    _name = "svcms.nonconformity.source"
    _description = "Nonconformity Source"

    nonconformity_count = fields.Integer(
        string="Nonconformities", compute="_compute_nonconformity_count", help="Nonconformities raised from it."
    )

    nonconformity_available = fields.Boolean(
        compute="_compute_nonconformity_available", help="Whether the audit addon (nonconformities) is installed."
    )

    def _compute_nonconformity_count(self):
        # svcms_audit counts the nonconformities whose source is each record
        self.nonconformity_count = 0

    def _compute_nonconformity_available(self):
        # installed, and the user may read nonconformities (the buttons are hidden otherwise)
        available = self._svcms_nonconformity_available() and self.env[NONCONFORMITY_MODEL].has_access("read")
        self.nonconformity_available = available

    @api.model
    def _svcms_nonconformity_source_type(self):
        """The ``source_type`` of a nonconformity raised from this kind of record (overridden per model)."""
        return "internal"

    def _svcms_nonconformity_values(self):
        """Default values of a nonconformity raised from this record."""
        self.ensure_one()
        description = self._fields.get("description")
        return {
            "name": self.display_name,
            "description": self[description.name] if description else Markup(),
            "partner_id": self.partner_id.id if "partner_id" in self._fields else False,
            "company_id": self.company_id.id if "company_id" in self._fields else self.env.company.id,
            "source_ref": f"{self._name},{self.id}",
            "source_type": self._svcms_nonconformity_source_type(),
        }

    @api.model
    def _svcms_nonconformity_available(self):
        return NONCONFORMITY_MODEL in self.env

    def _svcms_check_nonconformity_available(self):
        if not self._svcms_nonconformity_available():
            raise UserError(
                self.env._(
                    "Nonconformities are recorded by the audit addon (SVCMS Audit), which is not installed. "
                    "Install it to raise a nonconformity from %(record)s.",
                    record=self.display_name,
                )
            )

    def action_view_nonconformities(self):
        """The nonconformities raised from this record (needs the audit addon)."""
        self.ensure_one()
        self.check_access("read")
        self._svcms_check_nonconformity_available()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Nonconformities"),
            "res_model": NONCONFORMITY_MODEL,
            "view_mode": "list,form",
            "domain": [("source_ref", "=", f"{self._name},{self.id}")],
            "context": {"create": False},
        }

    def action_raise_nonconformity(self):
        """Open a new nonconformity prefilled from this record (needs the audit addon)."""
        self.ensure_one()
        self.check_access("read")
        self._svcms_check_nonconformity_available()
        Nonconformity = self.env[NONCONFORMITY_MODEL]
        context = {
            f"default_{name}": value
            for name, value in self._svcms_nonconformity_values().items()
            if name in Nonconformity._fields
        }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Raise a Nonconformity"),
            "res_model": NONCONFORMITY_MODEL,
            "view_mode": "form",
            "target": "current",
            "context": context,
        }
