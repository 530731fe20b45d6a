from . import raci_xlsx
from . import portal
