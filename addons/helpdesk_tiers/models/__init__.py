from . import helpdesk_tier
from . import helpdesk_ticket_escalation
from . import helpdesk_ticket_team
from . import helpdesk_ticket
