# The vendor sync daemon alone: a small Python image, no Odoo inside.
FROM python:3.11-slim

WORKDIR /opt/helpdesk-tiers
COPY pyproject.toml README.md ./
COPY sync ./sync
RUN pip install --no-cache-dir . && useradd --system helpdesk-sync
USER helpdesk-sync
ENTRYPOINT ["helpdesk-tiers-sync"]
CMD ["run"]
