from . import test_audit
from . import test_audit_programme
