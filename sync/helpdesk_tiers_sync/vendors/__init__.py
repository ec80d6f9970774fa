"""The vendor kinds: each is a package with ``adapter.Adapter`` and
``mapper.Mapper``, registered here by kind."""

from dataclasses import dataclass

from .odoo.adapter import OdooAdapter
from .odoo.mapper import OdooMapper
from .rt.adapter import RTAdapter
from .rt.mapper import RTMapper
from .webhook.adapter import WebhookAdapter
from .webhook.mapper import WebhookMapper

KINDS = {
    "rt": RTAdapter,
    "odoo": OdooAdapter,
    "webhook": WebhookAdapter,
}
MAPPERS = {
    "rt": RTMapper,
    "odoo": OdooMapper,
    "webhook": WebhookMapper,
}


@dataclass
class Vendor:
    """One configured vendor system: its code, adapter and mapper."""

    code: str
    adapter: object
    mapper: object


def build(config, daemon_config, stop_event):
    """A Vendor for a VendorConfig."""
    adapter = KINDS[config.kind](config, daemon_config, stop_event)
    return Vendor(config.code, adapter, MAPPERS[config.kind](dict(config.options)))
