from . import test_service
