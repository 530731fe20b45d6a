from . import audit_sample_wizard
from . import audit_pack
