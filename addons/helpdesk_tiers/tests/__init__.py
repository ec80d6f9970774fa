from . import test_helpdesk_tier
from . import test_escalation
from . import test_escalate_wizard
from . import test_access
from . import test_rpc
from . import test_ui
