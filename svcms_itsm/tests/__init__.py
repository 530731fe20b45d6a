from . import test_ci
from . import test_impact
from . import test_service
from . import test_incident
from . import test_incident_http
