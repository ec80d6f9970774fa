from . import helpdesk_kb_article_report
from . import helpdesk_review_report
from . import helpdesk_ticket_report
from . import helpdesk_tier_stay_report
