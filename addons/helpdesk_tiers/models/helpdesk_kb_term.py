# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools.text import normalize

TERM_LANGS = [("fr", "French"), ("en", "English")]


class HelpdeskKbTerm(models.Model):
    """The glossary that turns the customer's words ("the thing that blinks")
    into the technical term ("status LED")."""

    _name = "helpdesk.kb.term"
    _description = "Glossary Term"
    _order = "lang, customer_phrase, id"
    _rec_name = "customer_phrase"

    customer_phrase = fields.Char(
        required=True,
        help="What customers say, one or several words; matched whatever the "
        "case and the accents.",
    )
    technical_term = fields.Char(
        required=True, help="What agents and the knowledge base call it."
    )
    lang = fields.Selection(TERM_LANGS, string="Language", required=True, index=True)
    note = fields.Char(help="When the term applies, or what to check first.")
    active = fields.Boolean(default=True)
    normalized_phrase = fields.Char(
        compute="_compute_normalized_phrase", store=True, index=True
    )

    _sql_constraints = [
        (
            "phrase_unique",
            "unique(normalized_phrase, technical_term, lang)",
            "This phrase already maps to this technical term in this language.",
        ),
    ]

    @api.depends("customer_phrase", "technical_term")
    def _compute_display_name(self):
        for term in self:
            term.display_name = f"{term.customer_phrase} → {term.technical_term}"

    @api.depends("customer_phrase")
    def _compute_normalized_phrase(self):
        for term in self:
            term.normalized_phrase = normalize(term.customer_phrase)

    @api.constrains("customer_phrase", "technical_term")
    def _check_phrases(self):
        for term in self:
            if not term.normalized_phrase or not normalize(term.technical_term):
                raise ValidationError(
                    self.env._(
                        "A glossary term needs words on both sides, not only "
                        "punctuation: %s.",
                        term.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        terms = super().create(vals_list)
        self.env.registry.clear_cache()
        return terms

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.model
    @tools.ormcache("lang")
    def _get_phrase_index(self, lang):
        """({normalised phrase: term ids}, longest phrase in words) for ``lang``,
        or for every language when ``lang`` is None. Cached; reset on any change."""
        domain = [("lang", "=", lang)] if lang else []
        index = defaultdict(list)
        # sudo: the index is shared by all users; every employee reads the glossary.
        for term in self.sudo().search_read(domain, ["normalized_phrase"], order="id"):
            index[term["normalized_phrase"]].append(term["id"])
        longest = max((phrase.count(" ") + 1 for phrase in index), default=0)
        return {phrase: tuple(ids) for phrase, ids in index.items()}, longest

    @api.model
    def _lang_code(self, lang):
        """The glossary language for an Odoo language code ("fr_BE" -> "fr"), or
        None (every language) for an empty or unknown one."""
        code = (lang or "")[:2].lower()
        return code if code in dict(TERM_LANGS) else None

    @api.model
    def find_terms(self, text, lang=None):
        """Find the glossary terms whose customer phrase occurs in ``text``.

        :param str text: free text, plain or HTML-free (e.g. the customer's words
            or a search query); case, accents and punctuation are ignored and a
            phrase matches whole words only ("led" is not found in "ledger").
        :param str lang: "fr", "en" or an Odoo language code such as "fr_FR";
            empty or a language without glossary: search every language.
        :return: ``helpdesk.kb.term`` records (active only) in the order their
            phrases first occur in ``text``; over RPC, their ids. Use their
            ``technical_term`` to expand a search query, e.g.
            ``terms = env["helpdesk.kb.term"].find_terms(query, "fr")``, then
            ``set(terms.mapped("technical_term"))``.
        """
        words = normalize(text).split()
        index, longest = self._get_phrase_index(self._lang_code(lang))
        found = {}
        for start in range(len(words)):
            for size in range(1, min(longest, len(words) - start) + 1):
                for term_id in index.get(" ".join(words[start : start + size]), ()):
                    found.setdefault(term_id, None)
        return self.browse(list(found))

    @api.model
    def propose_terms(self, text, lang=None):
        """``find_terms`` for the agent's screen: a list of dicts with ``id``,
        ``customer_phrase``, ``technical_term``, ``note``, one per technical term."""
        proposals = {}
        for term in self.find_terms(text, lang):
            proposals.setdefault(
                term.technical_term,
                {
                    "id": term.id,
                    "customer_phrase": term.customer_phrase,
                    "technical_term": term.technical_term,
                    "note": term.note or "",
                },
            )
        return list(proposals.values())
