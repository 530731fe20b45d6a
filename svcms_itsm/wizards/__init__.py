from . import incident_merge
from . import incident_link
from . import change_vote_wizard
from . import service_report_survey_sample
