from . import test_ci
from . import test_impact
from . import test_service
from . import test_relationship
from . import test_service_level
from . import test_service_report
