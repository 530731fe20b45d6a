from . import clause
from . import management_system
from . import document_type
from . import document
from . import process
from . import raci_line
