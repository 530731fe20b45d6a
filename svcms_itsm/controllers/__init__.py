from . import portal_incident
from . import portal_fulfilment
