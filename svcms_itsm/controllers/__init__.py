from . import portal_incident
