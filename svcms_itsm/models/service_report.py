import base64
import io
from datetime import datetime, time

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError

from .incident import PRIORITIES

ITSM_USER = "svcms_itsm.group_itsm_user"
ITSM_MANAGER = "svcms_itsm.group_itsm_manager"
TREND_PERIODS = 3  # previous periods shown next to the reported one


def _utc_bounds(date_from, date_to):
    """[start, end) naive datetimes of a range of whole days."""
    return datetime.combine(date_from, time.min), datetime.combine(date_to + relativedelta(days=1), time.min)


class SvcmsServiceReport(models.Model):
    """The service report of one customer and period (ISO/IEC 20000-1 9.4): service levels against their
    targets, workload against limits, incidents, major incidents, changes, availability and satisfaction,
    each next to the previous three periods. Approved and sent reports are frozen."""

    _name = "svcms.service.report"
    _description = "Service Report"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("9.4",)}
    _svcms_evidence_date_field = "period_start"
    _svcms_evidence_domain = [("state", "in", ("approved", "sent"))]
    _order = "period_start desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "approve": Transition(("draft",), "approved", "approved_by_id", "approved_date", ITSM_MANAGER),
        "send": Transition(("approved",), "sent", "sent_by_id", "sent_date", ITSM_USER),
        "reset": Transition(("approved",), "draft", None, None, ITSM_MANAGER),
    }
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("draft",)
    _svcms_deletable_states = ("draft",)

    name = fields.Char(compute="_compute_name", store=True)
    relationship_id = fields.Many2one("svcms.customer.relationship", required=True, index=True, check_company=True)
    partner_id = fields.Many2one(related="relationship_id.partner_id", store=True, string="Customer", index=True)
    company_id = fields.Many2one(related="relationship_id.company_id", store=True, index=True)
    contact_id = fields.Many2one(
        "res.partner",
        string="Recipient",
        compute="_compute_contact_id",
        store=True,
        readonly=False,
        help="Receives the report by e-mail.",
    )
    service_ids = fields.Many2many("svcms.service", string="Services", check_company=True)
    period_start = fields.Date(required=True, index=True)
    period_end = fields.Date(required=True)
    snapshot = fields.Json(readonly=True, copy=False)
    computed_date = fields.Datetime(string="Figures Computed On", readonly=True, copy=False)
    summary = fields.Html(help="Comments on the period for the customer.")
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("sent", "Sent")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    sent_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    sent_date = fields.Datetime(string="Sent On", readonly=True, copy=False)
    sla_achieved = fields.Float(string="SLA Achieved (%)", readonly=True, copy=False)
    incident_count = fields.Integer(string="Incidents", readonly=True, copy=False)
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    can_send = fields.Boolean(compute="_compute_svcms_can")
    can_reset = fields.Boolean(compute="_compute_svcms_can")

    _period_order = models.Constraint("CHECK(period_end >= period_start)", "A period cannot end before it starts.")

    @api.depends("partner_id", "period_start", "period_end")
    def _compute_name(self):
        for report in self:
            report.name = f"{report.partner_id.name or ''} {report.period_start or ''} - {report.period_end or ''}"

    @api.depends("relationship_id")
    def _compute_contact_id(self):
        for report in self:
            relationship = report.relationship_id
            report.contact_id = (
                relationship.report_contact_id or relationship.contact_ids[:1] or relationship.partner_id
            )

    # ------------------------------------------------------------------ figures
    def _svcms_periods(self):
        """The reported period and the previous ones, oldest first: [(start, end)] of dates."""
        self.ensure_one()
        months = max(
            1,
            (self.period_end.year - self.period_start.year) * 12 + self.period_end.month - self.period_start.month + 1,
        )
        periods = []
        for back in range(TREND_PERIODS, 0, -1):
            start = self.period_start - relativedelta(months=months * back)
            periods.append((start, start + relativedelta(months=months, days=-1)))
        periods.append((self.period_start, self.period_end))
        return periods

    def _svcms_agreements(self):
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id), ("partner_id", "child_of", self.partner_id.id)]
        if self.service_ids:
            domain = ["|", ("service_id", "in", self.service_ids.ids), *domain[1:]]
            domain = [("company_id", "=", self.company_id.id), *domain]
        return self.env["svcms.sla.agreement"].sudo().with_context(active_test=False).search(domain)

    def _svcms_compute_snapshot(self):
        """Every section of the report, for the reported period and the previous ones (one aggregate per
        section and period, read as the superuser: the report states facts about the whole service)."""
        self.ensure_one()
        env = self.sudo().env
        agreements = self._svcms_agreements()
        partner = self.partner_id
        services = self.service_ids
        periods = self._svcms_periods()
        snapshot = {
            "periods": [{"start": str(s), "end": str(e), "label": s.strftime("%Y-%m")} for s, e in periods],
            "sla": [],
            "workload": [],
            "incidents": [],
            "major_incidents": [],
            "changes": [],
            "availability": [],
            "satisfaction": [],
            "priorities": [[key, label] for key, label in PRIORITIES],
            "targets": {a.name: a.compliance_target for a in agreements},
        }
        availability = {service.display_name: [] for service in services}
        for date_from, date_to in periods:
            start, end = _utc_bounds(date_from, date_to)
            # service levels: the engine's lines (excluded ones are not measured: workload limit, exceptions)
            lines = env["svcms.sla.line"]._read_group(
                [
                    ("agreement_id", "in", agreements.ids),
                    ("outcome_datetime", ">=", start),
                    ("outcome_datetime", "<", end),
                    ("state", "!=", "cancelled"),
                ],
                ["excluded", "over_limit", "breached"],
                ["__count"],
            )
            measured = sum(c for excluded, _o, _b, c in lines if not excluded)
            met = sum(c for excluded, _o, breached, c in lines if not excluded and not breached)
            snapshot["sla"].append(
                {
                    "measured": measured,
                    "met": met,
                    "breached": measured - met,
                    "excluded": sum(c for excluded, _o, _b, c in lines if excluded),
                    "achieved": round(100.0 * met / measured, 1) if measured else None,
                    "target": min(agreements.mapped("compliance_target") or [0.0]),
                }
            )
            # workload: the engine's flags per request, grouped by the workload report
            workload = env["svcms.sla.workload.report"]._read_group(
                [
                    ("agreement_id", "in", agreements.ids),
                    ("period_start", ">=", date_from),
                    ("period_start", "<=", date_to),
                ],
                [],
                ["request_count:sum", "over_limit_count:sum", "workload_limit:max"],
            )
            requests, over, limit = workload[0]
            # counts, not quantities: the SQL sums come back as floats
            snapshot["workload"].append(
                {"requests": int(requests or 0), "over_limit": int(over or 0), "limit": int(limit or 0)}
            )
            # incidents by priority, major incidents
            incident_domain = [
                ("partner_id", "child_of", partner.id),
                ("date_reported", ">=", start),
                ("date_reported", "<", end),
                ("state", "!=", "cancelled"),
            ]
            if services:
                incident_domain.append(("service_ids", "in", services.ids))
            by_priority = env["svcms.incident"]._read_group(incident_domain, ["priority"], ["__count"])
            counts = dict.fromkeys((key for key, _label in PRIORITIES), 0)
            for priority, count in by_priority:
                counts[priority or "4"] = counts.get(priority or "4", 0) + count
            snapshot["incidents"].append({"total": sum(counts.values()), "by_priority": counts})
            snapshot["major_incidents"].append(
                env["svcms.major.incident"].search_count([("incident_id", "any", incident_domain)])
            )
            # changes to the services, by outcome
            outcomes = {"successful": 0, "failed": 0, "backed_out": 0}
            if services:
                for outcome, count in env["svcms.change"]._read_group(
                    [
                        ("service_ids", "in", services.ids),
                        ("state", "=", "done"),
                        ("actual_end", ">=", start),
                        ("actual_end", "<", end),
                    ],
                    ["outcome"],
                    ["__count"],
                ):
                    if outcome:
                        outcomes[outcome] += count
            outcomes["total"] = sum(outcomes.values())
            snapshot["changes"].append(outcomes)
            # availability from the outages
            if services:
                achieved = env["svcms.outage"]._svcms_availability(services, start, end)
                for service in services:
                    availability[service.display_name].append(round(achieved.get(service.id, 100.0), 3))
            # satisfaction
            surveys = env["svcms.satisfaction.survey"]._read_group(
                [
                    ("partner_id", "child_of", partner.id),
                    ("period_start", ">=", date_from),
                    ("period_start", "<=", date_to),
                    ("state", "=", "answered"),
                ],
                [],
                ["__count", "score_value:avg"],
            )
            count, average = surveys[0]
            snapshot["satisfaction"].append({"count": count, "average": round(average, 2) if count else None})
        snapshot["availability"] = [
            {
                "service": service.display_name,
                "target": service.availability_target,
                "values": availability[service.display_name],
            }
            for service in services
        ]
        return snapshot

    def action_compute(self):
        """(Re)compute the figures of draft reports."""
        for report in self:
            snapshot = report._svcms_compute_snapshot()
            report.write(
                {
                    "snapshot": snapshot,
                    "computed_date": fields.Datetime.now(),
                    "sla_achieved": snapshot["sla"][-1]["achieved"] or 0.0,
                    "incident_count": snapshot["incidents"][-1]["total"],
                }
            )
        return True

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        reports.action_compute()
        return reports

    # ------------------------------------------------------------------ workflow
    def action_approve(self):
        missing = self.filtered(lambda r: not r.snapshot)
        if missing:
            raise UserError(self.env._("Compute the figures of %(report)s first.", report=missing[0].display_name))
        return self._svcms_transition("approve")

    def action_reset(self):
        return self._svcms_transition("reset")

    def action_send(self):
        """E-mail approved reports to their recipients with the PDF attached."""
        no_address = self.filtered(lambda r: not r.contact_id.email)
        if no_address:
            raise UserError(
                self.env._(
                    "%(report)s has no recipient with an e-mail address: set the recipient first.",
                    report=no_address[0].display_name,
                )
            )
        self._svcms_transition("send")
        template = self.env.ref("svcms_itsm.mail_template_service_report")
        for report in self:
            report.sudo().with_context(
                lang=report.contact_id.lang or report._svcms_default_lang()
            ).message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment")
        return True

    def action_print(self):
        return self.env.ref("svcms_itsm.action_report_service_report").report_action(self)

    @api.model
    def _svcms_generate(self, relationships, period_start, send=False):
        """Create (and approve and send, with ``send``) the report of each relationship for the month that
        starts on ``period_start``; a relationship that already has one for that month is left alone."""
        relationships = self.env["svcms.customer.relationship"].browse(getattr(relationships, "ids", relationships))
        period_start = fields.Date.to_date(period_start)
        existing = self.search(
            [("relationship_id", "in", relationships.ids), ("period_start", "=", period_start)]
        ).relationship_id
        todo = relationships - existing
        reports = self.create(
            [
                {
                    "relationship_id": relationship.id,
                    "service_ids": [fields.Command.set(relationship.service_ids.ids)],
                    "period_start": period_start,
                    "period_end": period_start + relativedelta(months=1, days=-1),
                }
                for relationship in todo
            ]
        )
        if send:
            reports.action_approve()
            reports.filtered(lambda r: r.contact_id.email).action_send()
        return reports

    # ------------------------------------------------------------------ exports
    def _svcms_sections(self):
        """Rows of the report (label, values per period) from the snapshot, shared by PDF and XLSX."""
        self.ensure_one()
        data = self.snapshot or {}
        # pylint: disable=prefer-env-translation; false positive: _ is self.env._ in this method
        _ = self.env._
        rows = []

        def row(label, values, section=False):
            rows.append({"label": label, "values": ["" if v is None else v for v in values], "section": section})

        row(_("Service levels"), [], True)
        row(_("Measured requests"), [p["measured"] for p in data.get("sla", [])])
        row(_("Targets met"), [p["met"] for p in data.get("sla", [])])
        row(_("Targets breached"), [p["breached"] for p in data.get("sla", [])])
        row(_("Achieved (%)"), [p["achieved"] for p in data.get("sla", [])])
        row(_("Target (%)"), [p["target"] for p in data.get("sla", [])])
        row(_("Excluded (workload limit, exceptions)"), [p["excluded"] for p in data.get("sla", [])])
        row(_("Workload"), [], True)
        row(_("Requests"), [p["requests"] for p in data.get("workload", [])])
        row(_("Beyond the workload limit"), [p["over_limit"] for p in data.get("workload", [])])
        row(_("Workload limit"), [p["limit"] for p in data.get("workload", [])])
        row(_("Incidents"), [], True)
        labels = dict(self.env["svcms.incident"]._fields["priority"]._description_selection(self.env))
        for key, _label in data.get("priorities", []):
            row(labels.get(key, key), [p["by_priority"].get(key, 0) for p in data.get("incidents", [])])
        row(_("Total incidents"), [p["total"] for p in data.get("incidents", [])])
        row(_("Major incidents"), data.get("major_incidents", []))
        row(_("Changes"), [], True)
        row(_("Successful"), [p["successful"] for p in data.get("changes", [])])
        row(_("Failed"), [p["failed"] for p in data.get("changes", [])])
        row(_("Backed out"), [p["backed_out"] for p in data.get("changes", [])])
        row(_("Availability (%)"), [], True)
        for service in data.get("availability", []):
            row(
                _("%(service)s (target %(target)s %%)", service=service["service"], target=service["target"]),
                service["values"],
            )
        row(_("Customer satisfaction"), [], True)
        row(_("Surveys answered"), [p["count"] for p in data.get("satisfaction", [])])
        row(_("Average score (1-5)"), [p["average"] for p in data.get("satisfaction", [])])
        return rows

    def _svcms_xlsx(self):
        self.ensure_one()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        bold = workbook.add_format({"bold": True})
        header = workbook.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2"})
        cell = workbook.add_format({"border": 1})
        sheet = workbook.add_worksheet(self.env._("Service Report")[:31])
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 1 + TREND_PERIODS, 14)
        sheet.write_string(0, 0, self.display_name or "", bold)
        sheet.write_string(2, 0, self.env._("Period"), header)
        for column, period in enumerate((self.snapshot or {}).get("periods", []), start=1):
            sheet.write_string(2, column, period["label"], header)
        for line, data in enumerate(self._svcms_sections(), start=3):
            sheet.write_string(line, 0, data["label"], bold if data["section"] else cell)
            for column, value in enumerate(data["values"], start=1):
                if isinstance(value, int | float):
                    sheet.write_number(line, column, value, cell)
                else:
                    sheet.write_string(line, column, str(value), cell)
        workbook.close()
        return output.getvalue()

    def action_export_xlsx(self):
        self.ensure_one()
        self.check_access("read")
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"service-report-{self.partner_id.name}-{self.period_start}.xlsx",
                    "datas": base64.b64encode(self._svcms_xlsx()),
                    "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "res_model": False,
                    "public": False,
                }
            )
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }
