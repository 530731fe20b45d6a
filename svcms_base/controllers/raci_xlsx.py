from werkzeug.exceptions import BadRequest, Forbidden

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SvcmsRaciXlsx(http.Controller):
    @http.route("/svcms/raci/xlsx", type="http", auth="user", methods=["GET"], readonly=True)
    def raci_xlsx(self, system_id=None, process_ids=None, **kwargs):
        """The responsibility allocation table (职责分配表) of a management system, or of chosen processes."""
        env = request.env
        try:
            env["svcms.process"].check_access("read")
            if system_id:
                systems = env["svcms.management.system"].browse(self._to_ids(system_id)).exists()
                systems.check_access("read")
                processes = env["svcms.process"].search([("management_system_id", "in", systems.ids)])
            elif process_ids:
                processes = env["svcms.process"].browse(self._to_ids(process_ids)).exists()
                processes.check_access("read")
                systems = processes.management_system_id
            else:
                raise BadRequest()
        except AccessError as error:
            raise Forbidden() from error
        if not systems and not processes:
            raise request.not_found()
        data = processes._raci_xlsx_content(processes._raci_xlsx_title(systems))
        filename = f"职责分配表-RACI-{'-'.join(systems.mapped('code')) or 'processes'}.xlsx"
        return request.make_response(
            data,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    @staticmethod
    def _to_ids(value):
        try:
            return [int(part) for part in str(value).split(",") if part.strip()]
        except ValueError as error:
            raise BadRequest() from error
