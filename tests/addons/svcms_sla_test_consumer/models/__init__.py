from . import ticket_stage
from . import ticket
from . import job
