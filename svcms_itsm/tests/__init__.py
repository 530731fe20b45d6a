from . import test_ci
from . import test_impact
from . import test_service
from . import test_supplier
from . import test_budget
from . import test_capacity
