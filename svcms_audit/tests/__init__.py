from . import test_evaluation
from . import test_audit
from . import test_audit_programme
from . import test_management_review
from . import test_audit_pack
