from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .incident import PRIORITIES

CRITICALITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
CRITICALITY_RANK = {key: rank for rank, (key, _label) in enumerate(CRITICALITIES)}


class SvcmsMajorIncidentRule(models.Model):
    """When an incident is a major incident (ISO/IEC 20000-1 8.6.1), who is accountable and who is told.

    An incident meeting any criterion of an active rule of its company becomes a major incident: its
    priority at or above a level, the number of customers its CIs and services affect (impact analysis)
    at or above a number, or an affected service at or above a criticality.
    """

    _name = "svcms.major.incident.rule"
    _description = "Major Incident Criteria"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    priority_threshold = fields.Selection(
        PRIORITIES,
        string="Priority At or Above",
        help="Incidents of this priority or a higher one are major incidents. Empty: not a criterion.",
    )
    customer_threshold = fields.Integer(
        string="Affected Customers At or Above",
        help="Incidents affecting at least this many customers (through the impact analysis of their CIs and "
        "the customers of their services) are major incidents. 0: not a criterion.",
    )
    criticality_threshold = fields.Selection(
        CRITICALITIES,
        string="Service Criticality At or Above",
        help="Incidents affecting a service of this criticality or a higher one are major incidents. "
        "Empty: not a criterion.",
    )
    manager_id = fields.Many2one(
        "res.users",
        string="Accountable Manager",
        domain=[("share", "=", False)],
        help="Manages the major incidents this rule opens. Empty: the IT manager of the settings.",
    )
    notify_group_id = fields.Many2one(
        "res.groups",
        help="Top management: every member gets a message and an activity when a major incident opens.",
    )
    notify_user_ids = fields.Many2many(
        "res.users",
        string="Notify Users",
        domain=[("share", "=", False)],
        help="Further people who get a message and an activity when a major incident opens.",
    )
    update_interval = fields.Integer(
        string="Status Update Interval (minutes)",
        default=60,
        help="The accountable manager must publish a status update at least this often while the major "
        "incident is open; a reminder activity follows when one is overdue.",
    )

    @api.constrains("customer_threshold", "update_interval", "priority_threshold", "criticality_threshold")
    def _check_thresholds(self):
        for rule in self:
            if rule.customer_threshold < 0 or rule.update_interval <= 0:
                raise ValidationError(
                    self.env._(
                        "%(rule)s: the number of customers cannot be negative and the update interval must be "
                        "positive.",
                        rule=rule.display_name,
                    )
                )
            if not (rule.priority_threshold or rule.customer_threshold or rule.criticality_threshold):
                raise ValidationError(
                    self.env._(
                        "%(rule)s has no criterion: set a priority, a number of customers or a criticality.",
                        rule=rule.display_name,
                    )
                )

    def _svcms_matches(self, priority, customers, criticalities):
        """Whether an incident with this priority, number of affected customers and affected service
        criticalities (ranks) meets this rule."""
        self.ensure_one()
        if self.priority_threshold and priority and priority <= self.priority_threshold:
            return True
        if self.customer_threshold and customers >= self.customer_threshold:
            return True
        threshold = CRITICALITY_RANK.get(self.criticality_threshold)
        return threshold is not None and any(rank >= threshold for rank in criticalities)

    def _svcms_recipients(self):
        """Internal users to notify when a major incident opens."""
        users = self.notify_user_ids | self.notify_group_id.all_user_ids
        return users.filtered(lambda u: u.active and not u.share)
