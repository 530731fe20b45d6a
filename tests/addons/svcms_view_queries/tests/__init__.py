from . import test_view_queries
