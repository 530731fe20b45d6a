from odoo import api, models


class SvcmsWorkflowLineMixin(models.AbstractModel):
    """Lines that are part of a workflow record (parts used, checklist items): they change only while
    their parent's lines field may change (one of the parent's ``_svcms_frozen_fields``)."""

    _name = "svcms.workflow.line.mixin"
    _description = "SVCMS Workflow Line"

    _svcms_parent_field = None  # many2one to the svcms.workflow.mixin record
    _svcms_parent_lines_field = None  # the parent's one2many holding these lines

    def _svcms_check_parents_unlocked(self, parents):
        if not self.env.su:
            parents.sudo()._svcms_check_unlocked({self._svcms_parent_lines_field})

    def _svcms_parents(self, ids):
        return self.env[self._fields[self._svcms_parent_field].comodel_name].browse(ids)

    @api.model_create_multi
    def create(self, vals_list):
        parent = self._svcms_parent_field
        parent_ids = {vals[parent] for vals in vals_list if vals.get(parent)}
        self._svcms_check_parents_unlocked(self._svcms_parents(parent_ids))
        return super().create(vals_list)

    def write(self, vals):
        self._svcms_check_parents_unlocked(self[self._svcms_parent_field])
        if vals.get(self._svcms_parent_field):
            self._svcms_check_parents_unlocked(self._svcms_parents(vals[self._svcms_parent_field]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _svcms_unlink_except_parent_locked(self):
        self._svcms_check_parents_unlocked(self[self._svcms_parent_field])
