from . import text
from . import working_time
