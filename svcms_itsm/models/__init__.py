from . import service
from . import ci_type
from . import ci
from . import ci_relation
from . import ci_impact
