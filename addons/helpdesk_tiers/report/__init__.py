from . import helpdesk_kb_article_report
from . import helpdesk_review_report
