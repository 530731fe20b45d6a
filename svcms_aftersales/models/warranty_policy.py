from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

ENTITLEMENTS = [
    ("return", "Return (7-day window)"),
    ("exchange", "Exchange (15-day window)"),
    ("free_repair", "Free Repair"),
    ("paid_repair", "Paid Repair"),
    ("failed_repairs_exchange_or_return", "Two Failed Warranty Repairs: Exchange or Return"),
    ("none", "Not Determined"),
]


class SvcmsWarrantyPolicy(models.Model):
    """三包 policy of a product or a product category.

    Day counting: the delivery (start) date is day 0, so with a 7-day return window a request on day 7
    may still return the unit and a request on day 8 may not. The unit warranty ends the day before the
    same calendar day ``warranty_months`` later (12 months from 2026-01-10 ends on 2027-01-09).
    """

    _name = "svcms.warranty.policy"
    _description = "Warranty Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", index="btree_not_null", help="Leave empty to apply to a category."
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index="btree_not_null",
        help="Applies to the category and its sub-categories unless a more specific policy exists.",
    )
    return_days = fields.Integer(string="Return Window (days)", default=7, required=True)
    exchange_days = fields.Integer(string="Exchange Window (days)", default=15, required=True)
    warranty_months = fields.Integer(string="Unit Warranty (months)", default=12, required=True)
    main_parts_warranty_months = fields.Integer(string="Main Parts Warranty (months)", default=36, required=True)
    main_part_ids = fields.Many2many(
        "product.product",
        string="Main Parts",
        help="Parts covered by the main parts warranty (e.g. compressor, main control board).",
    )
    failed_repairs_limit = fields.Integer(
        string="Failed Repairs Before Exchange",
        default=2,
        required=True,
        help="Number of failed warranty repairs after which the customer may choose an exchange or a return.",
    )
    labour_fee = fields.Float(string="Paid Repair Labour Fee", digits="Product Price")
    on_site_fee = fields.Float(string="Paid Repair On-site Fee", digits="Product Price")
    paid_repair_rules = fields.Html(translate=True)

    _scope_unique = models.Constraint(
        "UNIQUE(company_id, product_tmpl_id, categ_id)",
        "A product or category has one warranty policy per company.",
    )

    @api.constrains("return_days", "exchange_days", "warranty_months", "main_parts_warranty_months")
    def _check_windows(self):
        for policy in self:
            if not 0 <= policy.return_days <= policy.exchange_days:
                raise ValidationError(self.env._("The return window cannot be longer than the exchange window."))
            if policy.warranty_months < 0 or policy.main_parts_warranty_months < policy.warranty_months:
                raise ValidationError(self.env._("The main parts warranty cannot be shorter than the unit warranty."))

    # ------------------------------------------------------------------ lookup
    @api.model
    def _policy_by_product(self, products):
        """Most specific active policy for each product: product, then closest category, then the default.

        One query for all products (policies are a small table)."""
        policies = self.search([("company_id", "in", self.env.companies.ids)])
        by_tmpl = {p.product_tmpl_id.id: p for p in policies if p.product_tmpl_id}
        by_categ = {p.categ_id.id: p for p in policies if p.categ_id and not p.product_tmpl_id}
        default = next((p for p in policies if not p.categ_id and not p.product_tmpl_id), self.browse())
        result = {}
        for product in products:
            policy = by_tmpl.get(product.product_tmpl_id.id)
            if not policy:
                # parent_path "1/4/9/": closest category first
                categ_ids = [int(c) for c in (product.categ_id.parent_path or "").split("/") if c]
                policy = next((by_categ[c] for c in reversed(categ_ids) if c in by_categ), default)
            result[product.id] = policy
        return result

    # ------------------------------------------------------------------ rules
    def _warranty_end(self, start_date, main_parts=False):
        """Last day covered by the warranty, or False without a start date."""
        self.ensure_one()
        if not start_date:
            return False
        months = self.main_parts_warranty_months if main_parts else self.warranty_months
        return start_date + relativedelta(months=months) - relativedelta(days=1)

    def _entitlement(self, start_date, request_date, failed_repairs=0, main_part=False):
        """What the customer is entitled to on ``request_date`` (三包 rules).

        Order of precedence: return window, exchange window, failed warranty repairs, unit warranty,
        main parts warranty (only for a main part fault), else paid repair.
        """
        if not self or not start_date:
            return "none"
        self.ensure_one()
        days = (request_date - start_date).days
        if days <= self.return_days:
            return "return"
        if days <= self.exchange_days:
            return "exchange"
        if request_date <= self._warranty_end(start_date):
            if failed_repairs >= self.failed_repairs_limit:
                return "failed_repairs_exchange_or_return"
            return "free_repair"
        if main_part and request_date <= self._warranty_end(start_date, main_parts=True):
            return "free_repair"
        return "paid_repair"
