from . import test_ci
from . import test_impact
from . import test_service
from . import test_fulfilment
