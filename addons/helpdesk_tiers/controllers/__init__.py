from . import main
from . import kb_portal
from . import alert
from . import customer_update
from . import portal
