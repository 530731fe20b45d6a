from . import test_ci
from . import test_impact
from . import test_service
from . import test_release
from . import test_continuity
from . import test_ci_verification
from . import test_ci_history
