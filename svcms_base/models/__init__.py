from . import management_system
