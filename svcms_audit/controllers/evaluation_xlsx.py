from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SvcmsEvaluationXlsx(http.Controller):
    @http.route("/svcms/evaluation/<int:evaluation_id>/xlsx", type="http", auth="user", methods=["GET"], readonly=True)
    def evaluation_xlsx(self, evaluation_id, **kwargs):
        """The score sheet (评分表) of a GB/T 27922 evaluation, for whoever may read the evaluation."""
        evaluation = request.env["svcms.evaluation"].browse(evaluation_id)
        try:
            if not evaluation.exists():
                raise request.not_found()
            data = evaluation._svcms_score_sheet_xlsx()
        except (AccessError, MissingError) as error:
            raise Forbidden() from error
        filename = f"评分表-{evaluation.reference or evaluation.id}.xlsx"
        return request.make_response(
            data,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
