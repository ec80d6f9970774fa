from . import main
from . import kb_portal
