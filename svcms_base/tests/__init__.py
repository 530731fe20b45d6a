from . import test_management_system
from . import test_ui
