"""Plain-text renderings of the neutral ticket shared by the vendor kinds."""

import html
import html.parser
import re

PRIORITY_LABELS = {
    "business_failure": "business failure",
    "critical": "critical",
    "regular": "regular",
    "planned": "planned",
}


def ticket_text(payload):
    """The ticket as a vendor agent reads it: the problem, the hand-off note,
    the product and our reference. Customer contact data stays with us."""
    lines = [payload.get("description") or payload.get("subject") or ""]
    if payload.get("note"):
        author = payload.get("author") or "our support"
        lines += ["", f"Hand-off note from {author}:", payload["note"]]
    product = payload.get("product") or {}
    details = [
        ("Product", product.get("name")),
        ("Product code", product.get("code")),
        ("Serial number", product.get("serial_number")),
        ("Licence", product.get("license")),
        ("Category", product.get("category")),
        ("Priority", PRIORITY_LABELS.get(payload.get("priority_category"))),
        ("Customer", (payload.get("customer") or {}).get("name")),
        ("Our reference", payload.get("reference")),
    ]
    details = [f"{label}: {value}" for label, value in details if value]
    if details:
        lines += [""] + details
    return "\n".join(lines).strip() + "\n"


def comment_text(payload):
    """A public message, or the note of a new escalation, signed by its author."""
    if payload.get("body"):
        text, author = payload["body"], payload.get("author")
    else:
        text = "Escalated to you again:\n" + (payload.get("note") or "")
        author = payload.get("author")
    return f"{text.strip()}\n\n-- {author}\n" if author else f"{text.strip()}\n"


class _TextExtractor(html.parser.HTMLParser):
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BREAKS - {"br"}:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(markup):
    """Readable text of an HTML fragment (an Odoo message body)."""
    extractor = _TextExtractor()
    extractor.feed(markup or "")
    extractor.close()
    text = "".join(extractor.parts)
    return re.sub(
        r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())
    ).strip()


def text_to_html(text):
    """Plain text as HTML paragraphs, escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join(
        "<p>"
        + "<br>".join(html.escape(line) for line in p.strip().splitlines())
        + "</p>"
        for p in paragraphs
    )
