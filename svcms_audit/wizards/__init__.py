from . import audit_sample_wizard
