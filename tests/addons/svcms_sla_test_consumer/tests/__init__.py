from . import test_sla_consumer
