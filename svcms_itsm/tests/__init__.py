from . import test_ci
from . import test_impact
from . import test_service
from . import test_incident
from . import test_incident_http
from . import test_major_incident
from . import test_incident_merge
from . import test_security_incident
