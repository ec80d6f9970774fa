# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError

from .common import HelpdeskTiersCommon


class TestKbTerm(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Term = cls.env["helpdesk.kb.term"]
        Term.search([]).active = False
        cls.blink_fr = Term.create(
            {
                "lang": "fr",
                "customer_phrase": "Le bidule qui CLIGNOTE",
                "technical_term": "LED d'état",
            }
        )
        cls.screen_fr = Term.create(
            {
                "lang": "fr",
                "customer_phrase": "écran tout noir",
                "technical_term": "pas de signal vidéo",
            }
        )
        cls.led_en = Term.create(
            {"lang": "en", "customer_phrase": "led", "technical_term": "status LED"}
        )
        cls.blink_en = Term.create(
            {
                "lang": "en",
                "customer_phrase": "flashing light",
                "technical_term": "status LED",
            }
        )

    def test_accent_case_and_punctuation_insensitive(self):
        found = self.env["helpdesk.kb.term"].find_terms(
            "Bonjour ! L'ECRAN  TOUT  NOIR, et le bidule qui clignote...", "fr"
        )
        self.assertEqual(found, self.screen_fr | self.blink_fr)

    def test_order_of_first_occurrence(self):
        Term = self.env["helpdesk.kb.term"]
        self.assertEqual(
            Term.find_terms("le bidule qui clignote puis écran tout noir", "fr").ids,
            [self.blink_fr.id, self.screen_fr.id],
        )
        self.assertEqual(
            Term.find_terms("écran tout noir puis le bidule qui clignote", "fr").ids,
            [self.screen_fr.id, self.blink_fr.id],
        )

    def test_whole_words_only(self):
        Term = self.env["helpdesk.kb.term"]
        self.assertFalse(Term.find_terms("the ledger is wrong", "en"))
        self.assertFalse(Term.find_terms("le bidule qui clignotera", "fr"))
        self.assertEqual(Term.find_terms("the LED is off", "en"), self.led_en)

    def test_language(self):
        Term = self.env["helpdesk.kb.term"]
        text = "flashing light, écran tout noir"
        self.assertEqual(Term.find_terms(text, "en_US"), self.blink_en)
        self.assertEqual(Term.find_terms(text, "fr_BE"), self.screen_fr)
        self.assertEqual(Term.find_terms(text), self.blink_en | self.screen_fr)
        self.assertEqual(Term.find_terms(text, "de_DE"), self.blink_en | self.screen_fr)
        self.assertFalse(Term.find_terms("", "en"))

    def test_changes_apply_at_once(self):
        Term = self.env["helpdesk.kb.term"]
        self.assertFalse(Term.find_terms("toner smudge", "en"))
        jam = Term.create(
            {
                "lang": "en",
                "customer_phrase": "toner smudge",
                "technical_term": "toner smudge",
            }
        )
        self.assertEqual(Term.find_terms("a toner smudge again", "en"), jam)
        jam.active = False
        self.assertFalse(Term.find_terms("a toner smudge again", "en"))

    def test_proposals_one_per_technical_term(self):
        proposals = self.env["helpdesk.kb.term"].propose_terms(
            "The flashing light next to the LED", "en"
        )
        self.assertEqual([p["technical_term"] for p in proposals], ["status LED"])
        self.assertEqual(proposals[0]["customer_phrase"], "flashing light")

    def test_phrase_needs_words(self):
        with self.assertRaises(ValidationError):
            self.env["helpdesk.kb.term"].create(
                {"lang": "en", "customer_phrase": "?!", "technical_term": "x"}
            )

    def test_starter_glossary_in_both_languages(self):
        Term = self.env["helpdesk.kb.term"].with_context(active_test=False)
        for lang in ("fr", "en"):
            with self.subTest(lang=lang):
                self.assertGreaterEqual(Term.search_count([("lang", "=", lang)]), 25)
        self.assertIn(
            "LED d'état",
            Term.browse(
                Term.search([("lang", "=", "fr"), ("active", "=", False)]).ids
            ).mapped("technical_term"),
        )
