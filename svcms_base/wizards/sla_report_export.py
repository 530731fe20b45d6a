import base64
import io
from datetime import datetime, time

import pytz
import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain


class SvcmsSlaReportExport(models.TransientModel):
    """Excel report "SLA performance vs targets and workload vs limits" for service reporting (9.4)."""

    _name = "svcms.sla.report.export"
    _description = "Export SLA Performance Report"

    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(months=2)
    )
    date_to = fields.Date(required=True, default=lambda self: fields.Date.context_today(self))
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    policy_ids = fields.Many2many("svcms.sla.policy", string="Policies", help="Leave empty for every policy.")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise UserError(self.env._("The report cannot end before it starts."))

    def _bounds(self):
        tz = pytz.timezone(self.env.user.tz or "Asia/Shanghai")

        def utc(day):
            return tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)

        return utc(self.date_from), utc(self.date_to + relativedelta(days=1))

    def _line_domain(self):
        start, end = self._bounds()
        domain = Domain("company_id", "=", self.company_id.id)
        domain &= Domain("outcome_datetime", ">=", start) & Domain("outcome_datetime", "<", end)
        if self.policy_ids:
            domain &= Domain("policy_id", "in", self.policy_ids.ids)
        return domain

    def _performance_rows(self, groupby):
        """[(labels, total, met, breached, compliance, target hours, excluded)] per group, from SQL aggregates."""
        Line = self.env["svcms.sla.line"]
        domain = self._line_domain()
        compliance = Line._sla_compliance(domain, groupby)
        targets = {
            tuple(keys): (hours or 0) / 3600.0
            for *keys, hours in Line.sudo()._read_group(domain, groupby, ["target_seconds:avg"])
        }
        excluded = {
            tuple(keys): count
            for *keys, count in Line.sudo()._read_group(domain & Domain("excluded", "=", True), groupby, ["__count"])
        }
        rows = []
        for keys in sorted(set(compliance) | set(excluded), key=lambda k: [self._label(v) for v in k]):
            bucket = compliance.get(keys, {"total": 0, "met": 0, "breached": 0, "compliance": None})
            rows.append(
                (
                    [self._label(value) for value in keys],
                    bucket["total"],
                    bucket["met"],
                    bucket["breached"],
                    bucket["compliance"],
                    targets.get(keys, 0.0),
                    excluded.get(keys, 0),
                )
            )
        return rows

    def _label(self, value):
        if isinstance(value, models.BaseModel):
            return value.display_name or self.env._("Not set")
        if isinstance(value, datetime):
            return value.strftime("%Y-%m")
        return str(value) if value else self.env._("Not set")

    def _workload_rows(self):
        Report = self.env["svcms.sla.workload.report"]
        domain = [
            ("company_id", "=", self.company_id.id),
            ("period_start", ">=", self.date_from.replace(day=1) - relativedelta(months=11)),
            ("period_start", "<=", self.date_to),
        ]
        return Report.sudo().search(domain, order="agreement_id, period_start")

    def action_export(self):
        self.ensure_one()
        content = self._render_xlsx()
        name = self.env._("SLA performance %(start)s - %(end)s.xlsx", start=self.date_from, end=self.date_to)
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def _render_xlsx(self):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        bold = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        percent = workbook.add_format({"num_format": "0.0"})
        hours = workbook.add_format({"num_format": "0.00"})
        title = workbook.add_format({"bold": True, "font_size": 14})
        # pylint: disable=prefer-env-translation; false positive: _ is self.env._ in this method
        _ = self.env._
        headers = [_("Total"), _("Met"), _("Breached"), _("Compliance (%)"), _("Target (Hours)"), _("Excluded")]
        sheets = [
            (_("By Policy"), ["policy_id", "target_id"], [_("Policy"), _("Target")]),
            (_("By Customer"), ["partner_id"], [_("Customer")]),
            (_("By Team"), ["team_id"], [_("Team")]),
            (_("By Month"), ["outcome_datetime:month"], [_("Month")]),
        ]
        for sheet_name, groupby, labels in sheets:
            sheet = workbook.add_worksheet(sheet_name)
            sheet.write(0, 0, _("SLA performance vs targets"), title)
            sheet.write(1, 0, f"{self.company_id.name}: {self.date_from} - {self.date_to}")
            for col, header in enumerate(labels + headers):
                sheet.write(3, col, header, bold)
            sheet.set_column(0, len(labels) - 1, 32)
            sheet.set_column(len(labels), len(labels) + len(headers), 14)
            for row, (keys, total, met, breached, compliance, target, excluded) in enumerate(
                self._performance_rows(groupby), start=4
            ):
                for col, key in enumerate(keys):
                    sheet.write(row, col, key)
                base = len(keys)
                sheet.write_number(row, base, total)
                sheet.write_number(row, base + 1, met)
                sheet.write_number(row, base + 2, breached)
                if compliance is not None:
                    sheet.write_number(row, base + 3, compliance, percent)
                sheet.write_number(row, base + 4, target, hours)
                sheet.write_number(row, base + 5, excluded)
        sheet = workbook.add_worksheet(_("Workload vs Limits"))
        sheet.write(0, 0, _("Workload vs limits"), title)
        workload_headers = [
            _("Agreement"),
            _("Customer"),
            _("Period Start"),
            _("Requests"),
            _("Limit"),
            _("Beyond Limit"),
            _("Workload Used (%)"),
        ]
        for col, header in enumerate(workload_headers):
            sheet.write(2, col, header, bold)
        sheet.set_column(0, 1, 32)
        sheet.set_column(2, 6, 14)
        for row, record in enumerate(self._workload_rows(), start=3):
            sheet.write(row, 0, record.agreement_id.display_name)
            sheet.write(row, 1, record.partner_id.display_name or "")
            sheet.write(row, 2, str(record.period_start))
            sheet.write_number(row, 3, record.request_count)
            sheet.write_number(row, 4, record.workload_limit)
            sheet.write_number(row, 5, record.over_limit_count)
            sheet.write_number(row, 6, record.utilization, percent)
        workbook.close()
        return buffer.getvalue()
