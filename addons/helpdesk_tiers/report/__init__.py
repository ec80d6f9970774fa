from . import helpdesk_kb_article_report
