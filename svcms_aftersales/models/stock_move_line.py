from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # The recall search reads the last done movement of each serial of a product; stock has no index on lot_id.
    _svcms_recall_lot_idx = models.Index(
        "(product_id, lot_id, date DESC, id DESC) WHERE state = 'done' AND lot_id IS NOT NULL"
    )
