from . import helpdesk_ticket_escalate
from . import helpdesk_ticket_priority_override
from . import helpdesk_intake
from . import helpdesk_alert_token
from . import helpdesk_problem_resolve
from . import helpdesk_ticket_review
from . import helpdesk_development_request
from . import helpdesk_ticket_merge
