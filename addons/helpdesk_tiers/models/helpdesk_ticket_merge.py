# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Merging duplicate tickets."""

from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from .helpdesk_sync_event import SYNC_CONTEXT_KEY
from .helpdesk_ticket import UPDATE_CONTEXT_KEY


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------------
    # Merging duplicates
    # ------------------------------------------------------------------

    @api.returns("self")
    def merge_into(self, target, confirm_cross_company=False):
        """Merge these tickets (duplicates) into ``target`` (a ticket record or
        id), which keeps everything: their messages (moved, with their authors and
        dates, so that e-mail replies to them land on the target), attachments,
        followers and customers, open activities, knowledge base articles, vendor
        tickets (unless the target is at the same vendor already), problem and
        incident links. Escalation history stays on each merged ticket, listed on
        the target. The merged tickets are closed as merged into the target, and
        each of their customers is told once, in their language.

        Tickets of several companies merge only for a manager, with
        ``confirm_cross_company=True``: the customers of each then see the others'
        messages on the portal. Raises a UserError, and changes nothing, on an
        empty selection, a ticket merged into itself, into a closed or merged
        ticket, a ticket already merged or closed, or tickets the user may not
        modify. Returns the target (its id over RPC)."""
        target = self._check_merge(target, confirm_cross_company)
        summary = self._merge_summary(target)
        self._merge_messages_and_followers(target)
        moved_bindings = self._merge_vendor_bindings(target)
        self._merge_links(target)
        merged_stage = self.env.ref("helpdesk_tiers.helpdesk_ticket_stage_merged")
        self.write({"merged_into_id": target.id, "stage_id": merged_stage.id})
        target.message_post(
            body=summary(moved_bindings),
            subtype_xmlid="mail.mt_note",
            message_type="comment",
        )
        for ticket in self:
            ticket.message_post(
                body=self.env._(
                    "Merged into %(target)s by %(user)s: its messages, attachments "
                    "and followers are there now.",
                    target=target._get_html_link(),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
                message_type="comment",
            )
        self._notify_merge(target)
        return target

    def _check_merge(self, target, confirm_cross_company):
        """The target ticket of a merge of ``self``, once every rule holds."""
        if not self.env.user.has_group("helpdesk_tiers.group_l1_agent"):
            raise AccessError(self.env._("Only helpdesk agents merge tickets."))
        if not self:
            raise UserError(self.env._("Select the tickets to merge."))
        target = self._resolve_merge_target(target)
        self._check_merge_states(target)
        locked = (self | target) - (self | target)._filtered_access("write")
        if locked:
            raise UserError(
                self.env._(
                    "You may not modify tickets %s (they are at a tier above yours "
                    "or in another company): ask someone who may to merge them.",
                    ", ".join(locked.mapped("number")),
                )
            )
        if self.child_ids and target.parent_id:
            raise UserError(
                self.env._(
                    "Ticket %(target)s is linked to incident %(parent)s: it cannot "
                    "take over the affected tickets of %(tickets)s.",
                    target=target.number,
                    parent=target.parent_id.number,
                    tickets=", ".join(self.child_ids.parent_id.mapped("number")),
                )
            )
        companies = (self | target).company_id
        if len(companies) > 1:
            if not self.env.user.has_group(
                "helpdesk_tiers.group_helpdesk_tiers_manager"
            ):
                raise AccessError(
                    self.env._(
                        "The tickets belong to %s: only a helpdesk manager merges "
                        "tickets of different companies.",
                        ", ".join(companies.mapped("name")),
                    )
                )
            if not confirm_cross_company:
                raise UserError(
                    self.env._(
                        "The tickets belong to %s: confirm the merge across "
                        "companies. The customers of each will then see the others' "
                        "messages on the target ticket.",
                        ", ".join(companies.mapped("name")),
                    )
                )
        return target

    def _resolve_merge_target(self, target):
        """The ticket ``target`` (a record or an id) stands for."""
        if isinstance(target, models.BaseModel):
            if target._name != self._name or len(target) != 1:
                raise UserError(self.env._("Merge into exactly one ticket."))
            target = self.browse(target.id)
        elif isinstance(target, int) and not isinstance(target, bool):
            target = self.browse(target)
        else:
            raise UserError(
                self.env._("Give the ticket to merge into as a ticket or its id.")
            )
        if not target.exists():
            raise UserError(self.env._("Ticket %s does not exist.", target.id))
        return target

    def _check_merge_states(self, target):
        """Open tickets merge into another open ticket, never into themselves or
        along a chain of merges."""
        if target in self:
            raise UserError(
                self.env._(
                    "Ticket %s cannot be merged into itself: choose another target.",
                    target.number,
                )
            )
        merged = self.filtered("merged_into_id")
        if merged:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s was already merged into %(target)s.",
                    ticket=merged[0].number,
                    target=merged[0].merged_into_id.number,
                )
            )
        if target.merged_into_id:
            final = target.merged_into_id
            while final.merged_into_id and final != target:
                final = final.merged_into_id
            if final in self:
                raise UserError(
                    self.env._(
                        "Ticket %(target)s was merged into %(final)s, which you are "
                        "merging: that would make a circle.",
                        target=target.number,
                        final=final.number,
                    )
                )
            raise UserError(
                self.env._(
                    "Ticket %(target)s was merged into %(final)s: merge into "
                    "%(final)s instead.",
                    target=target.number,
                    final=final.number,
                )
            )
        closed = (self | target).filtered("closed")
        if closed:
            raise UserError(
                self.env._(
                    "Ticket %s is closed: only open tickets are merged (reopen it "
                    "first).",
                    closed[0].number,
                )
            )

    def _merge_summary(self, target):
        """A function of the vendor tickets moved that gives the note recording
        the merge on ``target``: for each merged ticket, what it was (read before
        the merge moves anything)."""
        counts = dict(
            self.env["mail.message"]._read_group(
                [("model", "=", self._name), ("res_id", "in", self.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        rows = [
            (
                ticket,
                Markup("<li>%s</li>")
                % self.env._(
                    "%(ticket)s from %(customer)s, at %(tier)s, %(escalations)s "
                    "escalations (kept on it), %(messages)s messages. Customer's "
                    "words: %(words)s",
                    ticket=ticket._get_html_link(),
                    customer=ticket.partner_id.display_name
                    or ticket.partner_name
                    or "-",
                    tier=ticket.tier_id.display_name,
                    escalations=ticket.escalation_count,
                    messages=counts.get(ticket.id, 0),
                    words=ticket.customer_wording
                    or html2plaintext(ticket.description or "")
                    or "-",
                ),
            )
            for ticket in self
        ]

        def summary(moved_bindings):
            moved = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "Vendor ticket %(binding)s now follows this ticket.",
                    binding=binding.display_name,
                )
                for binding in moved_bindings
            )
            return Markup("<p><strong>%s</strong></p><ul>%s%s</ul>") % (
                self.env._("Merged into this ticket by %s:", self.env.user.name),
                Markup("").join(row for _ticket, row in rows),
                moved,
            )

        return summary

    def _merge_messages_and_followers(self, target):
        """Move the messages, attachments and open activities of ``self`` to
        ``target``; make their followers and customers follow it."""
        # sudo: the records of tickets the user may modify (checked by
        # _check_merge), whoever wrote or follows them.
        domain = [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        self.env["mail.message"].sudo().search(
            [("model", "=", self._name), ("res_id", "in", self.ids)]
        ).write({"res_id": target.id})
        self.env["ir.attachment"].sudo().search(domain).write({"res_id": target.id})
        self.env["mail.activity"].sudo().search(domain).write({"res_id": target.id})
        followers = self.env["mail.followers"].sudo().search(domain)
        known = set(target.message_partner_ids.ids)
        subtypes = defaultdict(set)
        for follower in followers:
            if follower.partner_id.id not in known:
                subtypes[follower.partner_id.id] |= set(follower.subtype_ids.ids)
        groups = defaultdict(list)
        for partner_id, subtype_ids in subtypes.items():
            groups[frozenset(subtype_ids)].append(partner_id)
        for subtype_ids, partner_ids in groups.items():
            target.message_subscribe(
                partner_ids=partner_ids, subtype_ids=list(subtype_ids) or None
            )
        customers = self.partner_id.filtered(
            lambda p: p.id not in known and p.id not in subtypes
        )
        if customers:
            target.message_subscribe(partner_ids=customers.ids)

    def _merge_vendor_bindings(self, target):
        """Hand the vendor ticket of ``self`` to ``target`` when the target is at
        no vendor: the vendor's answers then land on it, and closing it closes
        that vendor ticket. Otherwise (or for a vendor system of another company)
        the merged tickets keep their vendor tickets, which closing them closes at
        the vendor as duplicates. Returns the binding moved, if any."""
        # sudo: agents cause bindings but may not write them.
        if target.sudo().vendor_binding_ids:
            return self.env["helpdesk.vendor.binding"]
        binding = (
            self._get_current_vendor_binding()
            .filtered(
                lambda b: not b.backend_id.company_id
                or b.backend_id.company_id == target.company_id
            )
            .sorted("id")[-1:]
        )
        if binding:
            binding.write({"ticket_id": target.id})
            target.vendor_backend_id = binding.backend_id
        return binding

    def _merge_links(self, target):
        """The target takes the knowledge base articles of ``self``, its problem,
        its major incident and affected tickets, where it has none of its own."""
        # sudo: every article linked, including drafts the user may not read;
        # a merge is no resolution: they count on the target from now on.
        articles = self.sudo().kb_article_ids - target.sudo().kb_article_ids
        if self.sudo().kb_article_ids:
            self.sudo().write({"kb_article_ids": [Command.clear()]})
        if articles:
            target.sudo().write(
                {"kb_article_ids": [Command.link(a.id) for a in articles]}
            )
        vals = {}
        if not target.problem_id and self.problem_id:
            vals["problem_id"] = self.problem_id[0].id
        children = self.child_ids
        if children:
            vals["is_major_incident"] = True
        elif not target.parent_id and not target.is_major_incident:
            parent = self.parent_id - target
            if parent:
                vals["parent_id"] = parent[0].id
        if vals:
            target.write(vals)
        if children:
            children.write({"parent_id": target.id})

    def _notify_merge(self, target):
        """Tell each customer of ``self`` once, in their language, on the target:
        which of their tickets went into which."""
        by_customer = self.filtered("partner_id").grouped("partner_id")
        # For the customers only: neither the vendor's business nor a reply to
        # the target's own customer.
        quiet = target.with_context(
            **{SYNC_CONTEXT_KEY: True, UPDATE_CONTEXT_KEY: True}
        )
        for partner, tickets in by_customer.items():
            quiet._post_customer_message(
                "helpdesk_tiers.message_tickets_merged",
                partner=partner,
                subtype_xmlid="helpdesk_tiers.mt_ticket_merged",
                merged=tickets,
            )

    def action_merge(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge tickets"),
            "res_model": "helpdesk.ticket.merge",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": self.ids},
        }

    def action_view_merged_tickets(self):
        self.ensure_one()
        return self._get_tickets_action(
            self.env._("Merged into %s", self.number),
            [("merged_into_id", "=", self.id)],
        )
