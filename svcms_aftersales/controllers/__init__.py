from . import recall_portal
from . import portal
from . import spare_parts
