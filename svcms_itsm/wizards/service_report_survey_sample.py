from dateutil.relativedelta import relativedelta

from odoo import fields, models


def _last_month_start(record):
    return fields.Date.context_today(record).replace(day=1) - relativedelta(months=1)


class SvcmsSatisfactionSampleWizard(models.TransientModel):
    """Draw the customers surveyed for satisfaction with the services of one period."""

    _name = "svcms.satisfaction.sample.wizard"
    _description = "Sample Customers for Satisfaction Surveys"

    date_from = fields.Date(string="From", required=True, default=_last_month_start)
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(days=1),
    )
    count = fields.Integer(string="Customers to Sample", required=True, default=5)

    def action_sample(self):
        self.ensure_one()
        surveys = self.env["svcms.satisfaction.survey"]._svcms_sample(self.date_from, self.date_to, self.count)
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_itsm.action_svcms_satisfaction_survey")
        action["domain"] = [("id", "in", surveys.ids)]
        return action
