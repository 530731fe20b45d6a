from . import test_nonconformity
from . import test_nonconformity_source
from . import test_improvement
from . import test_ui_nonconformity
