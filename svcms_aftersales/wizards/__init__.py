from . import stock_return_picking
from . import service_request_sign
