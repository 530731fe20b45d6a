from . import incident_merge
from . import incident_link
