from datetime import timedelta

from odoo import models
from odoo.fields import Domain

# contracts ending within this many days after the period count as expiring
EXPIRY_HORIZON_DAYS = 90


class SvcmsManagementSystem(models.Model):
    _inherit = "svcms.management.system"

    def _svcms_supplier_performance(self, date_from, date_to):
        """Per supplier of the system's company: completed reviews in the period and their average score,
        active contracts ending within 90 days after the period, disputes raised by the end of the
        period and still open. Two aggregates and one search."""
        self.ensure_one()
        company = Domain("company_id", "=", self.company_id.id)
        Contract = self.env["svcms.supplier.contract"]
        reviews = self.env["svcms.supplier.review"]._read_group(
            company
            & Domain("state", "=", "done")
            & Domain("review_date", ">=", date_from)
            & Domain("review_date", "<=", date_to),
            ["contract_id"],
            ["__count", "weighted_score:sum"],
        )
        expiring = Contract.search(
            company
            & Domain("state", "=", "active")
            & Domain("date_end", "<=", date_to + timedelta(days=EXPIRY_HORIZON_DAYS))
        )
        disputes = self.env["svcms.supplier.dispute"]._read_group(
            company & Domain("state", "in", ("open", "negotiation")) & Domain("date_opened", "<=", date_to),
            ["contract_id"],
            ["__count"],
        )
        by_supplier = {}

        def row(contract):
            label = (
                contract.partner_id if contract.supplier_type == "external" else contract.department_id
            ).display_name
            return by_supplier.setdefault(
                label or contract.display_name,
                {"reviews": 0, "score_sum": 0.0, "contracts_expiring": 0, "open_disputes": 0},
            )

        for contract, count, score_sum in reviews:
            values = row(contract)
            values["reviews"] += count
            values["score_sum"] += score_sum or 0.0
        for contract in expiring:
            row(contract)["contracts_expiring"] += 1
        for contract, count in disputes:
            row(contract)["open_disputes"] += count
        return [
            {
                "supplier": supplier,
                "reviews": values["reviews"],
                "average_score": round(values["score_sum"] / values["reviews"], 2) if values["reviews"] else None,
                "contracts_expiring": values["contracts_expiring"],
                "open_disputes": values["open_disputes"],
            }
            for supplier, values in sorted(by_supplier.items())
        ]
