from . import service_report_survey_sample
