from . import test_ci
from . import test_impact
from . import test_service
from . import test_problem
from . import test_recurring
from . import test_availability
