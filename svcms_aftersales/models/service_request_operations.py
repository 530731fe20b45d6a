from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class SvcmsServiceRequest(models.Model):
    """Warehouse and workshop follow-up of a service request: repair orders and return orders."""

    _inherit = "svcms.service.request"

    return_order_ids = fields.One2many("svcms.return.order", "request_id", string="Return Orders")
    return_order_count = fields.Integer(compute="_compute_return_order_count", string="Returns")
    maintenance_plan_id = fields.Many2one(
        "svcms.maintenance.plan", string="Maintenance Plan", index="btree_not_null", check_company=True, copy=False
    )
    maintenance_due_date = fields.Date(string="Maintenance Due", copy=False)
    installation_picking_id = fields.Many2one(
        "stock.picking", string="Delivery to Install", index="btree_not_null", check_company=True, copy=False
    )
    installation_scheduled_date = fields.Datetime(string="Installation Scheduled On", copy=False, tracking=True)
    installation_check_ids = fields.One2many(
        "svcms.installation.check", "request_id", string="Installation Checklist", copy=False
    )
    installation_accepted = fields.Boolean(string="Accepted by Customer", copy=False, readonly=True, tracking=True)

    @api.depends("return_order_ids")
    def _compute_return_order_count(self):
        counts = {
            request.id: count
            for request, count in self.env["svcms.return.order"]
            .sudo()
            ._read_group([("request_id", "in", self.ids)], ["request_id"], ["__count"])
        }
        for request in self:
            request.return_order_count = counts.get(request.id, 0)

    @api.model
    def _svcms_create_installations(self, move_lines):
        """One installation request per delivered serial (per move for untracked products), created once."""
        existing = {
            (picking.id, lot.id)
            for picking, lot in self.sudo()._read_group(
                [("installation_picking_id", "in", move_lines.picking_id.ids), ("request_type", "=", "installation")],
                ["installation_picking_id", "lot_id"],
            )
        }
        vals_list = []
        seen_moves = set()
        for line in move_lines:
            move = line.move_id
            if (line.picking_id.id, line.lot_id.id) in existing or (not line.lot_id and move.id in seen_moves):
                continue
            seen_moves.add(move.id)
            existing.add((line.picking_id.id, line.lot_id.id))
            template = line.product_id.product_tmpl_id
            vals_list.append(
                {
                    "partner_id": line.picking_id.partner_id.id,
                    "company_id": line.picking_id.company_id.id,
                    "request_type": "installation",
                    "channel": "phone",
                    "product_id": line.product_id.id,
                    "lot_id": line.lot_id.id,
                    "sale_order_id": line.picking_id.sale_id.id,
                    "sale_line_id": move.sale_line_id.id,
                    "installation_picking_id": line.picking_id.id,
                    "installation_check_ids": [
                        Command.create({"sequence": index, "name": check})
                        for index, check in enumerate(template._svcms_installation_checks())
                    ],
                }
            )
        # Whoever validates the delivery creates the request, even without after-sales rights.
        return self.sudo().create(vals_list)

    def action_done(self):
        for request in self.filtered(lambda r: r.request_type == "installation"):
            missing = request.installation_check_ids.filtered(lambda check: not check.is_done)
            if missing:
                raise UserError(
                    self.env._(
                        "%(name)s: complete the installation checklist first (%(checks)s).",
                        name=request.name,
                        checks=", ".join(missing.mapped("name")),
                    )
                )
        res = super().action_done()
        self.filtered(lambda r: r.request_type == "installation" and r.state == "done").installation_accepted = True
        return res

    def action_svcms_create_repair(self):
        """Create the Odoo repair order of this request (serial, parts, warranty flag).

        Paid repairs (out of warranty) are quoted at once through the repair's sale order.
        """
        repairs = self.env["repair.order"]
        for request in self:
            if not request.product_id:
                raise UserError(self.env._("Set the product of %s before creating a repair order.", request.name))
            if request.product_id.tracking == "serial" and not request.lot_id:
                raise UserError(self.env._("Set the serial number of %s before creating a repair order.", request.name))
            repair = self.env["repair.order"].create(request._prepare_repair_values())
            if not repair.under_warranty and repair.move_ids:
                repair.action_create_sale_order()
            request.message_post(
                body=Markup("%s") % self.env._("Repair order %s created.", repair.name),
            )
            repairs |= repair
        if len(repairs) == 1:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Repair Order"),
                "res_model": "repair.order",
                "res_id": repairs.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return True

    def _prepare_repair_values(self):
        self.ensure_one()
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)
        return {
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "picking_type_id": warehouse.repair_type_id.id,
            "under_warranty": self.under_warranty,
            "svcms_request_id": self.id,
            "repair_request": html2plaintext(self.description or "") or False,
            "move_ids": [
                Command.create(
                    {
                        "product_id": part.product_id.id,
                        "product_uom_qty": part.quantity,
                        "repair_line_type": "add",
                        "company_id": self.company_id.id,
                    }
                )
                for part in self.part_line_ids
            ],
        }

    def action_svcms_create_return_order(self):
        """Open a return order prefilled from the request (delivery found from the serial)."""
        self.ensure_one()
        picking = self.env["svcms.return.order"]._find_delivery(self.sale_order_id, self.product_id, self.lot_id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Order"),
            "res_model": "svcms.return.order",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_request_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_product_id": self.product_id.id,
                "default_lot_id": self.lot_id.id,
                "default_picking_id": picking.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_svcms_view_return_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Orders"),
            "res_model": "svcms.return.order",
            "view_mode": "list,form",
            "domain": [("request_id", "=", self.id)],
            "context": {"default_request_id": self.id},
        }
