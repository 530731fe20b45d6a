from . import audit_pack
