from . import test_management_review
