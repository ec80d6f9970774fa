from . import test_development_task
