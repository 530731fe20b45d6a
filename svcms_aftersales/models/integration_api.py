"""The integration API: what a call centre, a web shop or a dealer system asks SVCMS over XML-RPC/JSON-RPC.

Every public method returns plain data (dicts, lists, strings, numbers, booleans: never ``None`` nor a
recordset) and runs with the caller's rights: the integration user is an ordinary Odoo user in the group
*After-sales Integration* (``group_aftersales_integration``). docs/integration.md documents each method with a
runnable client.
"""

from datetime import date

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .warranty_policy import ENTITLEMENTS

INTEGRATION_GROUP = "svcms_aftersales.group_aftersales_integration"
# what the customer may ask for, by 三包 entitlement
MAY_ASK = {
    "return": ["return", "exchange", "free_repair"],
    "exchange": ["exchange", "free_repair"],
    "failed_repairs_exchange_or_return": ["exchange", "return", "free_repair"],
    "free_repair": ["free_repair"],
    "paid_repair": ["paid_repair"],
    "none": [],
}
REQUEST_CHANNELS = ("phone", "portal", "email", "walk_in")


def _iso(value):
    """A date or datetime as ISO 8601 text (datetimes in UTC with a trailing Z), or "" when unset."""
    if not value:
        return ""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value.isoformat()
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class SvcmsIntegrationApi(models.AbstractModel):
    _name = "svcms.integration.api"
    _description = "SVCMS Integration API"

    # ------------------------------------------------------------------ entry points
    @api.model
    def warranty_entitlement(self, serial, on_date=False, product_code=False, main_part=False):
        """三包 entitlement of a serial number on a date (default: today).

        :return: ``{"serial", "product", "product_code", "customer", "status", "status_label",
            "warranty_start", "warranty_end", "main_parts_warranty_end", "entitlement", "entitlement_label",
            "may_ask": [entitlement codes], "reason"}``
        """
        self._svcms_check_integration_user()
        on_date = self._svcms_parse_date(on_date)
        lot = self._svcms_find_serial(serial, product_code).with_context(date=on_date)
        entitlement = lot._svcms_entitlement(on_date, main_part=bool(main_part))
        customer = lot._svcms_last_customer_moves().get(lot.id)
        labels = dict(self.env["stock.lot"]._fields["warranty_status"]._description_selection(self.env))
        return {
            "serial": lot.name,
            "product": lot.product_id.display_name,
            "product_code": lot.product_id.default_code or "",
            "customer": self.env["res.partner"].sudo().browse(customer[0]).display_name if customer else "",
            "status": lot.warranty_status,
            "status_label": labels.get(lot.warranty_status, ""),
            "warranty_start": _iso(lot.warranty_start_date),
            "warranty_end": _iso(lot.warranty_end_date),
            "main_parts_warranty_end": _iso(lot.main_parts_warranty_end_date),
            "entitlement": entitlement,
            "entitlement_label": self._svcms_entitlement_label(entitlement),
            "may_ask": MAY_ASK[entitlement],
            "reason": self._svcms_entitlement_reason(lot, entitlement, on_date),
        }

    @api.model
    def create_service_request(
        self,
        partner_id,
        serial=False,
        request_type="repair_report",
        description="",
        channel="phone",
        product_code=False,
    ):
        """Log a service request (售后工单) for a customer, about a serial if given.

        :return: the request's status, as :meth:`request_status` gives it.
        """
        self._svcms_check_integration_user()
        Request = self.env["svcms.service.request"]
        types = dict(Request._fields["request_type"]._description_selection(self.env))
        if request_type not in types:
            raise UserError(
                self.env._(
                    "Unknown request type %(type)s: use one of %(types)s.", type=request_type, types=", ".join(types)
                )
            )
        values = {
            "partner_id": self._svcms_find_partner(partner_id).id,
            "request_type": request_type,
            "channel": self._svcms_check_channel(channel),
            "description": description or "",
        }
        if serial:
            lot = self._svcms_find_serial(serial, product_code)
            values.update(lot_id=lot.id, product_id=lot.product_id.id)
        return Request.create(values)._svcms_api_status()

    @api.model
    def create_complaint(self, partner_id, subject, description, channel="phone"):
        """Log a complaint (投诉) for a customer.

        :return: the complaint's status, as :meth:`request_status` gives it.
        """
        self._svcms_check_integration_user()
        if not (subject or "").strip() or not (description or "").strip():
            raise UserError(self.env._("A complaint needs a subject and a description."))
        complaint = self.env["svcms.complaint"].create(
            {
                "partner_id": self._svcms_find_partner(partner_id).id,
                "subject": subject.strip(),
                "description": description,
                "channel": self._svcms_check_channel(channel),
            }
        )
        return complaint._svcms_api_status()

    @api.model
    def request_status(self, reference):
        """Status and service level deadlines of a service request or a complaint, by its reference.

        :return: ``{"model", "id", "reference", "state", "state_label", "sla_status", "next_deadline",
            "service_levels": [{"target", "metric", "state", "deadline", "breached"}]}``
        """
        self._svcms_check_integration_user()
        for model in ("svcms.service.request", "svcms.complaint"):
            record = self.env[model].search([("name", "=", reference)], limit=1)
            if record:
                return record._svcms_api_status()
        raise UserError(self.env._("No service request or complaint has the reference %(ref)s.", ref=reference))

    # ------------------------------------------------------------------ helpers (not callable over RPC)
    def _svcms_check_integration_user(self):
        if not self.env.user.has_group(INTEGRATION_GROUP):
            raise AccessError(self.env._("Only integration users (group After-sales Integration) may call this API."))

    def _svcms_parse_date(self, value):
        if not value:
            return fields.Date.context_today(self)
        try:
            return fields.Date.to_date(value)
        except ValueError:
            raise UserError(self.env._("%(value)s is not a date: write it as YYYY-MM-DD.", value=value)) from None

    def _svcms_find_serial(self, serial, product_code=False):
        """The serial of the caller's companies (sudo: warranty facts are what the API publishes, not stock)."""
        domain = [("name", "=", (serial or "").strip()), ("company_id", "in", [False, *self.env.companies.ids])]
        if product_code:
            domain.append(("product_id.default_code", "=", product_code))
        lots = self.env["stock.lot"].sudo().search(domain, limit=2)
        if not lots:
            raise UserError(self.env._("Serial number %(serial)s is unknown.", serial=serial))
        if len(lots) > 1:
            raise UserError(
                self.env._(
                    "Serial number %(serial)s exists for several products: give the product code too.", serial=serial
                )
            )
        return lots

    def _svcms_find_partner(self, partner_id):
        partner = self.env["res.partner"].browse(partner_id if isinstance(partner_id, int) else 0).exists()
        if not partner:
            raise UserError(self.env._("Customer %(id)s does not exist.", id=partner_id))
        partner.check_access("read")
        return partner

    def _svcms_check_channel(self, channel):
        if channel not in REQUEST_CHANNELS:
            raise UserError(
                self.env._(
                    "Unknown channel %(channel)s: use one of %(channels)s.",
                    channel=channel,
                    channels=", ".join(REQUEST_CHANNELS),
                )
            )
        return channel

    def _svcms_entitlement_label(self, entitlement):
        labels = dict(self.env["svcms.service.request"]._fields["entitlement"]._description_selection(self.env))
        return labels.get(entitlement, dict(ENTITLEMENTS)[entitlement])

    def _svcms_entitlement_reason(self, lot, entitlement, on_date):
        policy = lot.warranty_policy_id
        if not policy:
            return self.env._("No warranty policy covers %(product)s.", product=lot.product_id.display_name)
        if not lot.warranty_start_date:
            return self.env._("The serial has not been delivered to a customer.")
        days = (on_date - lot.warranty_start_date).days
        reasons = {
            "return": self.env._(
                "Delivered %(days)s days before, within the %(limit)s-day return window of %(policy)s.",
                days=days,
                limit=policy.return_days,
                policy=policy.name,
            ),
            "exchange": self.env._(
                "Delivered %(days)s days before, within the %(limit)s-day exchange window of %(policy)s.",
                days=days,
                limit=policy.exchange_days,
                policy=policy.name,
            ),
            "failed_repairs_exchange_or_return": self.env._(
                "%(count)s warranty repairs did not fix the appliance: the customer may choose an exchange or a "
                "return.",
                count=lot.failed_repair_count,
            ),
            "free_repair": self.env._(
                "Under warranty until %(end)s: repairs are free.",
                end=_iso(
                    lot.warranty_end_date if on_date <= lot.warranty_end_date else lot.main_parts_warranty_end_date
                ),
            ),
            "paid_repair": self.env._(
                "The warranty ended on %(end)s: repairs are charged.", end=_iso(lot.warranty_end_date)
            ),
        }
        return reasons.get(entitlement, "")
