from . import document_new_revision
from . import sla_report_export
