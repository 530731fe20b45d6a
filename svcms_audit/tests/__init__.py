from . import test_audit_pack
