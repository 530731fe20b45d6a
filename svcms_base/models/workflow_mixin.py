"""One workflow mechanism for every SVCMS record with a lifecycle.

A consumer inherits ``svcms.workflow.mixin`` and declares, on the class:

``_svcms_transitions``
    ``{action: Transition(...)}``: from which states an action may start, the state it leads to,
    which fields record who did it and when, the group it needs, the roles that may not perform it
    (separation of duties) and the activities it schedules or completes.
``_svcms_workflow_fields``
    further audit fields (``customer_confirmed``, signatures ...) that only transitions write.
``_svcms_creator_fields``
    user/employee fields that hold whoever creates the record (the author, the requester): set to
    the creating user whatever the client sends, never rewritten.
``_svcms_fixed_fields``
    further fields set at creation and never rewritten.
``_svcms_frozen_fields`` / ``_svcms_editable_states``
    fields that cannot change once the record left the editable states (``"__all__"``: every
    stored field but ``_svcms_writable_when_locked`` and the mail bookkeeping).
``_svcms_field_editable_states``
    finer locks: ``{field: states}``, a field that may change only in those states (an inspection
    result recorded while the goods wait for inspection, and never after).
``_svcms_deletable_states``
    states in which a record may be deleted; elsewhere it is archived or kept.
``_svcms_lock_chatter``
    once a record left the editable states, its attachments and chatter messages (tracking values
    included) are evidence: nobody but the superuser changes or deletes them; posting stays open.
``_svcms_separation_default``
    whether separation of duties is on by default; a company overrides it per model with the
    system parameter ``svcms_base.separation_of_duties.<model>`` (``1``/``0``).

Buttons call ``self._svcms_transition("approve")``: the one guard (state, group, separation of
duties, record rules) runs, the state and the audit trail are written with a marker that no RPC
client can forge, and the activities move on. Any other ``write``/``create``/import of those fields
is refused with a ``UserError``. ``can_<action>`` boolean fields computed by
``_compute_svcms_can`` drive the buttons from the same declaration.
"""

from dataclasses import dataclass

from odoo import api, models
from odoo.exceptions import AccessError, UserError

# A context value RPC cannot forge: JSON and XML-RPC carry no Python objects.
_TRANSITION = object()

# Fields Odoo itself keeps on any record: never part of a lock.
MAIL_BOOKKEEPING = frozenset(
    {
        "message_main_attachment_id",
        "message_follower_ids",
        "message_ids",
        "activity_ids",
        "website_message_ids",
        "rating_ids",
        "write_date",
        "write_uid",
        "__last_update",
        "access_token",
    }
)


@dataclass(frozen=True)
class Transition:
    """What one workflow action may do."""

    sources: tuple
    target: str | None = None
    user_field: str | None = None
    date_field: str | None = None
    group: str | None = None
    # user (res.users / hr.employee, single or many) fields whose holders may not perform the action
    distinct_from: tuple = ()
    # (activity type xmlid, user field): an activity for that user once the action is done
    schedule: tuple | None = None
    # activity type xmlids completed by the action
    done: tuple = ()


class SvcmsWorkflowMixin(models.AbstractModel):
    _name = "svcms.workflow.mixin"
    _inherit = ["svcms.lang.mixin"]
    _description = "SVCMS Workflow"

    _svcms_state_field = "state"
    _svcms_transitions = {}
    _svcms_workflow_fields = ()
    _svcms_creator_fields = ()
    _svcms_fixed_fields = ()
    _svcms_frozen_fields = ()
    _svcms_editable_states = ("draft",)
    _svcms_writable_when_locked = ()
    _svcms_field_editable_states = {}
    _svcms_deletable_states = None
    _svcms_separation_default = False
    _svcms_lock_chatter = False

    # ------------------------------------------------------------------ declaration helpers

    @api.model
    def _svcms_protected_fields(self):
        """The status and audit trail: written by transitions only."""
        names = {self._svcms_state_field, *self._svcms_workflow_fields}
        for transition in self._svcms_transitions.values():
            names.update(filter(None, (transition.user_field, transition.date_field)))
        return names

    @api.model
    def _svcms_locked_fields(self):
        if self._svcms_frozen_fields == "__all__":
            return {
                name
                for name, field in self._fields.items()
                # editable computed fields (readonly=False) are content too
                if field.store and (not field.compute or not field.readonly) and name not in MAIL_BOOKKEEPING
            } - set(self._svcms_writable_when_locked)
        return set(self._svcms_frozen_fields)

    @api.model
    def _svcms_separation_enabled(self):
        value = self.env["ir.config_parameter"].sudo().get_param(f"svcms_base.separation_of_duties.{self._name}")
        if value in (None, False, ""):
            return self._svcms_separation_default
        return value not in ("0", "False", "false")

    def _svcms_in_transition(self):
        return self.env.su or self.env.context.get("svcms_workflow") is _TRANSITION

    def _svcms_state_label(self, state):
        return dict(self._fields[self._svcms_state_field]._description_selection(self.env)).get(state, state)

    # ------------------------------------------------------------------ the guard

    def _svcms_check_transition(self, action):
        """Raise unless the current user may perform ``action`` on every record of ``self``."""
        transition = self._svcms_transitions[action]
        self.check_access("write")
        # ``group`` may name several groups, comma-separated: any of them will do
        if transition.group and not self.env.user.has_groups(transition.group):
            raise AccessError(
                self.env._(
                    "You are not allowed to do this on %(model)s: it needs the group “%(group)s”.",
                    model=self._description,
                    group=" / ".join(
                        self.env.ref(xmlid.strip()).sudo().full_name for xmlid in transition.group.split(",")
                    ),
                )
            )
        for record in self:
            state = record[self._svcms_state_field]
            if state not in transition.sources:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: this step needs it to be %(allowed)s.",
                        record=record.display_name,
                        state=record._svcms_state_label(state),
                        allowed=" / ".join(record._svcms_state_label(s) for s in transition.sources),
                    )
                )
        if transition.distinct_from and self._svcms_separation_enabled():
            self._svcms_check_separation(transition)

    def _svcms_check_separation(self, transition):
        user = self.env.user
        for record in self.sudo():
            for name in transition.distinct_from:
                holders = record[name]
                users = holders if holders._name == "res.users" else holders.user_id
                if user in users:
                    raise UserError(
                        self.env._(
                            "Separation of duties: you are the %(role)s of %(record)s and cannot perform this step "
                            "on it. Someone else must do it.",
                            role=record._fields[name]._description_string(self.env),
                            record=record.display_name,
                        )
                    )

    def _svcms_can(self, action):
        """True when the current user could perform ``action`` on this record (drives the buttons)."""
        self.ensure_one()
        # has_access() first: building an AccessError invalidates the record's cache (ir.rule), values included
        if not self.has_access("write"):
            return False
        try:
            self._svcms_check_transition(action)
        except (UserError, AccessError):
            return False
        return True

    @api.depends(lambda self: [self._svcms_state_field])
    @api.depends_context("uid")
    def _compute_svcms_can(self):
        names = [f"can_{action}" for action in self._svcms_transitions if f"can_{action}" in self._fields]
        # decide everything before assigning: an access check may reset the cache of this batch
        decisions = [
            (record, {name: bool(record.id) and record._svcms_can(name[4:]) for name in names}) for record in self
        ]
        for record, values in decisions:
            record.update(values)

    # ------------------------------------------------------------------ transitions

    def _svcms_transition(self, action, values=None):
        """Perform ``action``: the only way the status and audit trail of these records change."""
        if not self:
            return True
        self._svcms_check_transition(action)
        transition = self._svcms_transitions[action]
        vals = {}
        if transition.target:
            vals[self._svcms_state_field] = transition.target
        if transition.user_field:
            vals[transition.user_field] = self.env.uid
        if transition.date_field:
            field = self._fields[transition.date_field]
            vals[transition.date_field] = field.context_today(self) if field.type == "date" else field.now()
        vals.update(values or {})
        self._svcms_write_workflow(vals)
        self._svcms_move_activities(transition)
        return True

    def _svcms_trusted(self):
        """These records for server code that writes status/audit values itself (engine hooks, resets)."""
        return self.with_context(svcms_workflow=_TRANSITION)

    def _svcms_write_workflow(self, vals):
        return self._svcms_trusted().write(vals)

    def _svcms_move_activities(self, transition):
        records = self.sudo()
        if transition.done:
            records.activity_feedback(list(transition.done), user_id=self.env.uid)
            records.activity_unlink(list(transition.done))
        if transition.schedule:
            activity_xmlid, user_field = transition.schedule
            for record in records:
                holders = record[user_field]
                users = holders if holders._name == "res.users" else holders.user_id
                for user in users:
                    # in the language of whoever gets the activity, not of whoever (or whatever cron) acted
                    addressed = record._svcms_for_user(user)
                    addressed.activity_schedule(
                        activity_xmlid, user_id=user.id, summary=addressed._svcms_activity_summary(activity_xmlid)
                    )

    def _svcms_activity_summary(self, activity_xmlid):
        """The summary of an activity type in the language of ``self``'s context (see ``_svcms_for_user``)."""
        return self.env.ref(activity_xmlid).sudo().with_context(lang=self.env.lang).summary or False

    # ------------------------------------------------------------------ protection

    def _svcms_refuse_protected(self, names):
        labels = ", ".join(sorted(self._fields[n]._description_string(self.env) for n in names))
        raise UserError(
            self.env._(
                "%(model)s: %(fields)s change only through the workflow buttons, not by editing or importing.",
                model=self._description,
                fields=labels,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._svcms_check_create_values(vals_list)
        return super().create(vals_list)

    @api.model
    def _svcms_check_create_values(self, vals_list):
        """Refuse status and audit values from the client; fix the creator fields.

        Consumers that set a status themselves before creating (e.g. a request created with its
        technician starts assigned) call this first, then create through ``_svcms_trusted()``."""
        if self._svcms_in_transition():
            return
        protected = self._svcms_protected_fields()
        state_field = self._svcms_state_field
        field = self._fields[state_field]
        default_state = field.default(self) if field.default else False
        # ``default_<field>`` keys of the context come from the client too: they are values like any other
        defaults = {
            key[len("default_") :]: value
            for key, value in self.env.context.items()
            if key.startswith("default_") and key[len("default_") :] in protected
        }
        for vals in vals_list:
            vals.update(self._svcms_creator_values())
            values = {**defaults, **vals}
            written = {name for name in protected & set(values) if values[name]}
            if values.get(state_field) == default_state:
                written.discard(state_field)
            if written:
                self._svcms_refuse_protected(written)

    @api.model
    def _svcms_creator_values(self):
        values = {}
        for name in self._svcms_creator_fields:
            comodel = self._fields[name].comodel_name
            values[name] = self.env.uid if comodel == "res.users" else self.env.user.employee_id.id
        return values

    def write(self, vals):
        if not self._svcms_in_transition():
            touched = set(vals)
            protected = self._svcms_protected_fields() & touched
            if protected:
                self._svcms_refuse_protected(protected)
            fixed = set(self._svcms_fixed_fields + self._svcms_creator_fields) & touched
            if fixed and any(record[name] for record in self for name in fixed):
                raise UserError(
                    self.env._(
                        "%(model)s: %(fields)s are fixed when the record is created and cannot be rewritten.",
                        model=self._description,
                        fields=", ".join(sorted(self._fields[n]._description_string(self.env) for n in fixed)),
                    )
                )
            self._svcms_check_unlocked(touched)
        return super().write(vals)

    def _svcms_check_unlocked(self, names):
        checks = [(self._svcms_locked_fields() & set(names), self._svcms_editable_states)]
        checks += [({name}, states) for name, states in self._svcms_field_editable_states.items() if name in names]
        for locked_fields, editable_states in checks:
            if not locked_fields:
                continue
            locked = self.filtered(lambda r, states=editable_states: r[self._svcms_state_field] not in states)
            if locked:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: %(fields)s can no longer change.",
                        record=locked[0].display_name,
                        state=locked._svcms_state_label(locked[0][self._svcms_state_field]),
                        fields=", ".join(sorted(self._fields[n]._description_string(self.env) for n in locked_fields)),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _svcms_unlink_only_in_deletable_states(self):
        if self._svcms_deletable_states is None or self.env.su:
            return
        kept = self.filtered(lambda r: r[self._svcms_state_field] not in self._svcms_deletable_states)
        if kept:
            raise UserError(
                self.env._(
                    "%(record)s is %(state)s: it is evidence and cannot be deleted. Archive or cancel it instead.",
                    record=kept[0].display_name,
                    state=kept._svcms_state_label(kept[0][self._svcms_state_field]),
                )
            )

    def _svcms_check_chatter_unlocked(self):
        """Refuse to change or delete attachments and messages of records that left the editable states."""
        if not self._svcms_lock_chatter or self.env.su:
            return
        locked = self.sudo().exists().filtered(lambda r: r[self._svcms_state_field] not in self._svcms_editable_states)
        if locked:
            raise UserError(
                self.env._(
                    "%(record)s is %(state)s: its attachments and messages are part of the record and cannot be "
                    "changed or deleted. Post a new message instead.",
                    record=locked[0].display_name,
                    state=locked._svcms_state_label(locked[0][self._svcms_state_field]),
                )
            )
