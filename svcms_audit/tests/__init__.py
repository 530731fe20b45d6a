from . import test_evaluation
