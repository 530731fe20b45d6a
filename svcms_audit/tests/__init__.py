from . import test_evaluation
from . import test_audit
from . import test_audit_programme
