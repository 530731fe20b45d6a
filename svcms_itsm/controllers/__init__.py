from . import portal_fulfilment
