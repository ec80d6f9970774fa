"""Screenshots of the demo for the user guide and the README (`make screenshots`).

Creates the demo database with tools/demo_db.sh, serves it on a free loopback port,
and drives Chromium (headless) over the DevTools protocol: logs in as each demo user
and captures the screens listed in SCREENS, in English and in French (the users'
language is switched between the two passes), into docs/screenshots/<lang>/<name>.png.

    tools/screenshots.py [--db NAME] [--port N] [--reuse] [--lang L] [--only NAME ...]

--db      the demo database (default: SCREENSHOTS_DB, else helpdesk_screenshots); it is
          dropped and created again unless --reuse is given, so that the screens show
          the demo as installed today.
--port    Odoo's HTTP port on 127.0.0.1 (default: a free one).
--lang    en or fr (default: both).
--only    capture these screens only (names from SCREENS).

Exits non-zero, saying which screen and why, when a screen cannot be captured.
"""

import argparse
import base64
import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
VIEWPORT = (1366, 800)
LANGS = {"en": "en_US", "fr": "fr_FR"}
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 30  # seconds for a page or an element
SETTLE = 0.6  # seconds the page must stay idle before a capture
# Demo logins (README); each password is the login.
LOGINS = (
    "admin",
    "hotline",
    "backoffice",
    "specialist",
    "manager",
    "customer",
    "customer-manager",
)


class ScreenError(Exception):
    """A screen could not be captured; the message says which and why."""


# --- Steps: what to do on a page before capturing it --------------------------------


@dataclass(frozen=True)
class Click:
    """Click the first visible element matching `selector` containing `text` (a str,
    or {"en": ..., "fr": ...})."""

    selector: str
    text: object = ""


@dataclass(frozen=True)
class Type:
    """Focus `selector` and type `text` (a str, or {"en": ..., "fr": ...})."""

    selector: str
    text: object


@dataclass(frozen=True)
class Press:
    """Press a key (a name of KEYS) in the focused element."""

    key: str


KEYS = {"Enter": 13, "Escape": 27}


@dataclass(frozen=True)
class Pick:
    """Choose the first entry of the open autocomplete dropdown."""

    selector: str = ".o-autocomplete--dropdown-item a, .o-autocomplete--dropdown-item"


@dataclass(frozen=True)
class Wait:
    """Wait until an element matching `selector` is visible."""

    selector: str


@dataclass(frozen=True)
class Screen:
    """One capture. `url` may hold {ref:module.xml_id} for a record id."""

    name: str
    login: str
    url: str
    steps: tuple = ()
    # Capture only this element (a dialog, say) instead of the whole viewport.
    clip: str = ""
    # Scroll this element into view before capturing.
    scroll_to: str = ""


def localized(text, lang):
    return text[lang] if isinstance(text, dict) else text


TICKET = "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ref:helpdesk_tiers.%s}"
DIALOG = ".modal-dialog"
DIALOG_BOX = ".modal-content"

# What `helpdesk-tiers-sync run` reports about itself (make run starts one).
HEARTBEAT = {"info": {"host": "support-1", "version": "18.0.1.0.0"}}
MERGE = {"en": "Merge", "fr": "Fusionner"}
# The New contact screen once the caller is found: Claire Dupont, on the phone.
NEW_CONTACT_CLAIRE = (
    Type("div[name=partner_id] input", "Claire Dupont"),
    Pick(),
    Wait("div[name=history_summary]"),
)

SCREENS = (
    # L1 agent
    Screen(
        "l1_tickets_by_tier",
        "hotline",
        "/odoo/action-helpdesk_tiers.helpdesk_ticket_action_by_tier",
    ),
    Screen(
        "l1_new_contact",
        "hotline",
        "/odoo/action-helpdesk_tiers.helpdesk_intake_action",
        steps=(*NEW_CONTACT_CLAIRE,),
    ),
    Screen(
        "l1_new_contact_problem",
        "hotline",
        "/odoo/action-helpdesk_tiers.helpdesk_intake_action",
        steps=(
            *NEW_CONTACT_CLAIRE,
            Click(".o_field_x2many_list_row_add a"),
            Type(
                DIALOG + " div[name=name] input",
                {
                    "en": "Counter printer blinks red",
                    "fr": "L'imprimante du comptoir clignote",
                },
            ),
            Type(
                DIALOG + " div[name=customer_wording] textarea",
                {
                    "en": "the thing that blinks is red and nothing prints",
                    "fr": "le truc qui clignote est rouge et rien ne sort",
                },
            ),
            Click(DIALOG + " .o_helpdesk_term_proposal"),
        ),
        clip=DIALOG_BOX,
    ),
    Screen(
        "l1_ticket_priority",
        "hotline",
        TICKET % "demo_ticket_printer_red_light",
    ),
    Screen(
        "l1_ticket_suggestions",
        "hotline",
        TICKET % "demo_ticket_printer_red_light",
        steps=(Wait(".o_helpdesk_kb_suggestions_panel button"),),
        scroll_to=".o_helpdesk_kb_suggestions_panel",
    ),
    Screen(
        "l1_escalate",
        "hotline",
        TICKET % "demo_ticket_printer_red_light",
        steps=(
            Click("button[name=action_escalate]"),
            Type(
                DIALOG + " div[name=note] textarea",
                {
                    "en": "Red light after a paper jam. Reseated the paper roll and "
                    "restarted twice: still blinking. Needs a remote session.",
                    "fr": "Voyant rouge après un bourrage. Rouleau remis en place et "
                    "deux redémarrages : il clignote toujours. Prise en main à "
                    "distance nécessaire.",
                },
            ),
        ),
        clip=DIALOG_BOX,
    ),
    Screen(
        "l1_kb_search",
        "hotline",
        "/odoo/action-helpdesk_tiers.helpdesk_kb_search_action",
        steps=(
            Type(
                ".o_action input[type=search], .o_action input",
                {"en": "printer blinks red", "fr": "imprimante clignote rouge"},
            ),
            Wait(".o_action mark"),
        ),
    ),
    Screen(
        "l1_canned_reply",
        "hotline",
        TICKET % "demo_ticket_printer_red_light",
        steps=(
            Click("button[name=action_canned_reply]"),
            Type(
                DIALOG + " div[name=helpdesk_canned_reply_id] input",
                {"en": "Information needed", "fr": "Informations nécessaires"},
            ),
            Pick(),
        ),
        clip=DIALOG_BOX,
    ),
    Screen(
        "l1_merge",
        "hotline",
        "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action?view_type=list",
        steps=(
            Type(".o_searchview_input", "contactless"),
            Press("Enter"),
            Wait(".o_data_row"),
            Click("thead .o_list_record_selector input"),
            Click(".o_cp_action_menus .dropdown-toggle"),
            Click(".o-dropdown--menu .dropdown-item", MERGE),
            Wait(DIALOG + " div[name=target_id]"),
        ),
        clip=DIALOG_BOX,
    ),
    Screen(
        "l1_glossary", "hotline", "/odoo/action-helpdesk_tiers.helpdesk_kb_term_action"
    ),
    # L2 agent
    Screen(
        "l2_problems",
        "backoffice",
        "/odoo/action-helpdesk_tiers.helpdesk_problem_action",
    ),
    Screen(
        "l2_plan_intervention",
        "backoffice",
        TICKET % "demo_ticket_counter_printer_3",
        steps=(
            Click("button[name=action_plan_intervention]"),
            Wait("div[name=ticket_id]"),
        ),
    ),
    Screen(
        "l2_major_incident",
        "backoffice",
        TICKET % "demo_ticket_payment_outage",
    ),
    Screen(
        "l2_incident_update",
        "backoffice",
        TICKET % "demo_ticket_payment_outage",
        steps=(
            Click("button[name=action_post_incident_update]"),
            Wait(DIALOG + " .o_form_view"),
        ),
        clip=DIALOG_BOX,
    ),
    Screen(
        "l2_to_review",
        "backoffice",
        "/odoo/action-helpdesk_tiers.helpdesk_ticket_action_to_review",
    ),
    Screen(
        "l2_return",
        "backoffice",
        TICKET % "demo_ticket_label_printer",
        steps=(Click("button[name=action_return]"), Wait(DIALOG + " .o_form_view")),
        clip=DIALOG_BOX,
    ),
    # L3 specialist
    Screen(
        "l3_escalate_vendor",
        "specialist",
        TICKET % "demo_ticket_export_crash",
        steps=(
            Click("button[name=action_escalate]"),
            Wait(DIALOG + " div[name=vendor_backend_id]"),
        ),
        clip=DIALOG_BOX,
    ),
    Screen(
        "l3_request_development",
        "specialist",
        TICKET % "demo_sla_open_08",
        steps=(
            Click("button[name=action_request_development]"),
            Wait(DIALOG + " .o_form_view"),
        ),
        clip=DIALOG_BOX,
    ),
    Screen(
        "l3_kb_to_review",
        "specialist",
        "/odoo/action-helpdesk_tiers.helpdesk_kb_article_action_review",
    ),
    Screen(
        "l3_vendor_ticket",
        "specialist",
        TICKET % "demo_ticket_firmware_receipts",
        steps=(Click("a.nav-link[name=vendor]"),),
        scroll_to="div[name=vendor_binding_ids]",
    ),
    # Manager
    Screen(
        "manager_overview",
        "manager",
        "/odoo/action-helpdesk_tiers.helpdesk_sla_dashboard_action",
    ),
    Screen(
        "manager_escalations",
        "manager",
        "/odoo/action-helpdesk_tiers.helpdesk_ticket_escalation_action?view_type=pivot",
    ),
    Screen(
        "manager_kb_effectiveness",
        "manager",
        "/odoo/action-helpdesk_tiers.helpdesk_kb_article_report_action",
    ),
    Screen(
        "manager_satisfaction",
        "manager",
        "/odoo/action-helpdesk_tiers.helpdesk_ticket_rating_action",
    ),
    Screen(
        "manager_service_plan",
        "manager",
        "/odoo/action-helpdesk_tiers.helpdesk_service_plan_action"
        "/{ref:helpdesk_tiers.demo_service_plan_premium}",
    ),
    Screen(
        "manager_canned_reply",
        "manager",
        "/odoo/action-helpdesk_tiers.helpdesk_canned_reply_action"
        "/{ref:helpdesk_tiers.canned_reply_acknowledge}",
    ),
    Screen(
        "manager_priority_rules",
        "manager",
        "/odoo/action-helpdesk_tiers.helpdesk_priority_rule_action",
    ),
    # Portal customer
    Screen("customer_tickets", "customer", "/my/tickets"),
    Screen(
        "customer_ticket",
        "customer",
        "/my/ticket/{ref:helpdesk_tiers.demo_ticket_counter_printer_3}",
    ),
    Screen("customer_new_ticket", "customer", "/new/ticket"),
    Screen("customer_company_tickets", "customer-manager", "/my/tickets"),
    Screen(
        "customer_kb",
        "customer",
        {
            "en": "/helpdesk/kb?q=printer+blinks+red",
            "fr": "/helpdesk/kb?q=imprimante+clignote",
        },
    ),
    Screen(
        "customer_kb_article",
        "customer",
        "{portal_url:helpdesk_tiers.kb_article_printer_red_light_%s}",
    ),
    # Administrator of the vendor sync
    Screen(
        "admin_vendor_system",
        "admin",
        "/odoo/action-helpdesk_tiers.helpdesk_vendor_backend_action"
        "/{ref:helpdesk_tiers.demo_vendor_backend_acme_rt}",
    ),
    Screen(
        "admin_sync_events",
        "admin",
        "/odoo/action-helpdesk_tiers.helpdesk_sync_event_action",
    ),
)


def screen_names():
    return [screen.name for screen in SCREENS]


# --- Chromium over the DevTools protocol -------------------------------------------

# What keeps the page from being captured ("" when it is ready): not loaded yet,
# Odoo's web client (when it is one) has not rendered its action, or shows it loads.
BUSY_JS = """(() => {
    if (document.readyState !== "complete") return "document " + document.readyState;
    const busy = document.querySelector(".o_loading_indicator, .o_blockUI");
    if (busy) return "busy: " + busy.className;
    if (document.body.classList.contains("o_web_client")) {
        if (!document.querySelector(".o_menu_brand")) return "no app in the navbar";
        const manager = document.querySelector(".o_action_manager");
        if (!manager || !manager.querySelector(".o_action, .o_view_controller"))
            return "no action rendered";
    }
    return "";
})()"""

# An error Odoo shows instead of the screen (error dialog, crash page, login form).
ERROR_JS = """(() => {
    const dialog = document.querySelector(".o_error_dialog, .o_dialog_error");
    if (dialog) return "error dialog: " + dialog.innerText.slice(0, 500);
    if (document.querySelector("form.oe_login_form")) return "login page";
    if (document.title.startsWith("404") || document.title.startsWith("403"))
        return "page: " + document.title;
    return "";
})()"""

VISIBLE_JS = """((selector, text) => {
    for (const el of document.querySelectorAll(selector)) {
        const box = el.getBoundingClientRect();
        if (box.width && box.height && (!text || el.innerText.trim().includes(text)))
            return el;
    }
    return null;
})"""

NO_ANIMATIONS_CSS = (
    "*, *::before, *::after { transition: none !important; animation: none !important;"
    " caret-color: transparent !important; }"
)


PAGE_RESOURCES = {"Document", "Stylesheet", "Image", "Font", "Script", "XHR", "Fetch"}


class DevTools:
    """A minimal client of one page target of Chromium's DevTools protocol."""

    def __init__(self, ws_url):
        import websocket  # websocket-client, in the development dependencies

        self.ws = websocket.create_connection(
            ws_url, timeout=TIMEOUT, suppress_origin=True
        )
        self.next_id = 0
        self.inflight = {}  # network requests of the page not finished yet: id -> url
        self.loader = None  # the current document's: the previous one's requests
        # (a form saved as its page closes) are not waited for
        self.exceptions = []  # uncaught JavaScript exceptions since the last navigation

    def close(self):
        self.ws.close()

    def call(self, method, **params):
        self.next_id += 1
        call_id = self.next_id
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise ScreenError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self._event(message)

    def _event(self, message):
        method, params = message.get("method"), message.get("params", {})
        # Only what the page waits for: not the bus's worker, whose script the worker
        # loads and the page never sees finish.
        if (
            method == "Network.requestWillBeSent"
            and params.get("type") in PAGE_RESOURCES
            and "/bus/websocket_worker" not in params["request"]["url"]
            and params.get("loaderId") == self.loader
        ):
            self.inflight[params["requestId"]] = params["request"]["url"]
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            self.inflight.pop(params["requestId"], None)
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.exceptions.append(
                details.get("exception", {}).get("description") or details.get("text")
            )

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise ScreenError(
                f"script failed: {result['exceptionDetails'].get('text')}"
            )
        return result.get("result", {}).get("value")


class Browser:
    """Headless Chromium with one page at VIEWPORT size."""

    def __init__(self):
        binary = next(filter(None, map(shutil.which, CHROMIUM)), None)
        if not binary:
            raise ScreenError("Chromium is missing (Debian: apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="hdt-screenshots-")
        args = [
            binary,
            "--headless=new",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--hide-scrollbars",
            "--mute-audio",
            "--no-first-run",
            "--no-default-browser-check",
            "--force-device-scale-factor=1",
            f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={self.profile}",
            "about:blank",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        self.process = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        port = self._devtools_port()
        self.devtools = DevTools(self._page_socket(port))
        for domain in ("Page", "Network", "Runtime"):
            self.devtools.call(f"{domain}.enable")
        self.devtools.call(
            "Emulation.setDeviceMetricsOverride",
            width=VIEWPORT[0],
            height=VIEWPORT[1],
            deviceScaleFactor=1,
            mobile=False,
        )
        self.devtools.call("Emulation.setTimezoneOverride", timezoneId="Europe/Paris")
        self.devtools.call(
            "Page.addScriptToEvaluateOnNewDocument",
            # Each page gets its own bus worker: a shared one, left by the previous
            # user's page, would tell the next one it is out of date.
            source="Object.defineProperty(window, 'SharedWorker', {value: undefined});"
            " document.addEventListener('DOMContentLoaded', () => {"
            " const style = document.createElement('style');"
            f" style.textContent = {json.dumps(NO_ANIMATIONS_CSS)};"
            " document.head.appendChild(style); });",
        )

    def _devtools_port(self):
        port_file = Path(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ScreenError(
                    f"Chromium exited at start (status {self.process.returncode})"
                )
            with contextlib.suppress(OSError, ValueError, IndexError):
                return int(port_file.read_text().splitlines()[0])
            time.sleep(0.1)
        raise ScreenError("Chromium did not open its DevTools port")

    def _page_socket(self, port):
        import requests  # installed with Odoo

        targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        for target in targets:
            if target.get("type") == "page":
                return target["webSocketDebuggerUrl"]
        raise ScreenError("Chromium has no page to drive")

    def close(self):
        with contextlib.suppress(Exception):
            self.devtools.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def login(self, base_url, session_id):
        self.devtools.call("Network.clearBrowserCookies")
        self.devtools.call(
            "Network.setCookie",
            name="session_id",
            value=session_id,
            url=base_url,
            httpOnly=True,
        )

    def goto(self, url):
        self.devtools.exceptions.clear()
        self.devtools.inflight.clear()
        self.devtools.loader = None
        result = self.devtools.call("Page.navigate", url=url)
        self.devtools.loader = result.get("loaderId")
        if result.get("errorText"):
            raise ScreenError(f"cannot open {url}: {result['errorText']}")
        self.wait_idle(f"opening {url}")

    def wait_for(self, expression, what):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            error = self.devtools.evaluate(ERROR_JS)
            if error:
                raise ScreenError(f"{what}: {error}")
            value = self.devtools.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise ScreenError(f"{what}: still not there after {TIMEOUT} s")

    def wait_idle(self, what):
        """Wait until the page is idle (BUSY_JS, no request under way) for SETTLE s."""
        deadline = time.monotonic() + TIMEOUT
        idle_since = None
        while time.monotonic() < deadline:
            error = self.devtools.evaluate(ERROR_JS)
            if error:
                raise ScreenError(f"{what}: {error}")
            busy = self.devtools.evaluate(BUSY_JS)
            if not busy and self.devtools.inflight:
                busy = "waiting for " + ", ".join(
                    sorted(self.devtools.inflight.values())[:3]
                )
            if busy:
                idle_since = None
            else:
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since >= SETTLE:
                    return
            time.sleep(0.1)
        raise ScreenError(f"{what}: still busy after {TIMEOUT} s ({busy})")

    def _find(self, selector, text=""):
        return f"({VISIBLE_JS})({json.dumps(selector)}, {json.dumps(text)})"

    def run(self, step, lang):
        if isinstance(step, Wait):
            self.wait_for(
                f"!!{self._find(step.selector)}", f"waiting for {step.selector}"
            )
        elif isinstance(step, Click):
            element = self._find(step.selector, localized(step.text, lang))
            self.wait_for(f"!!{element}", f"finding {step.selector}")
            self.devtools.evaluate(f"{element}.click()")
        elif isinstance(step, Press):
            for kind in ("keyDown", "keyUp"):
                self.devtools.call(
                    "Input.dispatchKeyEvent",
                    type=kind,
                    key=step.key,
                    code=step.key,
                    windowsVirtualKeyCode=KEYS[step.key],
                )
        elif isinstance(step, Type):
            self.wait_for(f"!!{self._find(step.selector)}", f"finding {step.selector}")
            self.devtools.evaluate(f"{self._find(step.selector)}.focus()")
            self.devtools.call("Input.insertText", text=localized(step.text, lang))
        elif isinstance(step, Pick):
            self.wait_for(
                f"!!{self._find(step.selector)}", "waiting for the autocomplete"
            )
            self.devtools.evaluate(f"{self._find(step.selector)}.click()")
        else:
            raise ScreenError(f"unknown step {step!r}")
        self.wait_idle(f"after {step!r}")

    def capture(self, clip_selector="", scroll_to=""):
        if scroll_to:
            self.devtools.evaluate(
                f"{self._find(scroll_to)}.scrollIntoView({{block: 'center'}})"
            )
            self.wait_idle(f"scrolling to {scroll_to}")
        params = {"format": "png"}
        if clip_selector:
            box = self.wait_for(
                f"(() => {{ const el = {self._find(clip_selector)};"
                " if (!el) return null; const r = el.getBoundingClientRect();"
                " return {x: r.x, y: r.y, width: r.width, height: r.height}; })()",
                f"finding {clip_selector} to capture",
            )
            params["clip"] = clip_box(box, VIEWPORT)
        data = self.devtools.call("Page.captureScreenshot", **params)["data"]
        return base64.b64decode(data)


def clip_box(box, viewport, margin=0):
    """The element's box with a margin, kept inside the viewport, in whole pixels."""
    x = max(0, int(box["x"]) - margin)
    y = max(0, int(box["y"]) - margin)
    right = min(viewport[0], int(box["x"] + box["width"]) + margin)
    bottom = min(viewport[1], int(box["y"] + box["height"]) + margin)
    if right <= x or bottom <= y:
        raise ScreenError(f"nothing to capture in {box}")
    return {"x": x, "y": y, "width": right - x, "height": bottom - y, "scale": 1}


def optimize_png(data):
    """Fewer colours (a 256-colour palette, ample for a web UI) and zlib at its best."""
    from PIL import Image  # Pillow, installed with Odoo

    image = Image.open(io.BytesIO(data)).convert("RGB")
    image = image.quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- Odoo ----------------------------------------------------------------------------


class Odoo:
    """The demo database served on 127.0.0.1 for the time of the captures, by the
    end-to-end tests' OdooServer, with the RPC calls the captures need."""

    def __init__(self, db, port):
        sys.path.insert(0, str(ROOT / "tests"))
        from odoo_server import OdooServer

        logs = ROOT / ".state" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.db = db
        self.server = OdooServer(db, logs, port=port)
        self.base_url = self.server.url
        self.uid = None

    def start(self):
        from odoo_server import OdooServerError

        try:
            self.server.start()
        except OdooServerError as error:
            raise ScreenError(str(error)) from None
        self.uid = self.common().authenticate(self.db, "admin", "admin", {})
        if not self.uid:
            raise ScreenError(f"cannot log in as admin on {self.db}")

    def stop(self):
        self.server.stop()

    def common(self):
        return xmlrpc.client.ServerProxy(
            self.base_url + "/xmlrpc/2/common", allow_none=True
        )

    def execute(self, model, method, *args, **kwargs):
        models = xmlrpc.client.ServerProxy(
            self.base_url + "/xmlrpc/2/object", allow_none=True
        )
        return models.execute_kw(
            self.db, self.uid, "admin", model, method, list(args), kwargs
        )

    def _xml_id(self, xml_id):
        module, name = xml_id.split(".", 1)
        rows = self.execute(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["model", "res_id"],
        )
        if not rows:
            raise ScreenError(f"no record {xml_id} in the demo")
        return rows[0]["model"], rows[0]["res_id"]

    def ref(self, xml_id):
        return self._xml_id(xml_id)[1]

    def portal_url(self, xml_id):
        model, res_id = self._xml_id(xml_id)
        return self.execute(model, "read", [res_id], ["portal_url"])[0]["portal_url"]

    def daemon_heartbeat(self):
        """What the running sync daemon does every minute (`make run` starts one):
        the vendor systems' forms show it connected."""
        uid = self.common().authenticate(self.db, "sync-daemon", "sync-daemon", {})
        models = xmlrpc.client.ServerProxy(
            self.base_url + "/xmlrpc/2/object", allow_none=True
        )
        models.execute_kw(
            self.db,
            uid,
            "sync-daemon",
            "helpdesk.sync.api",
            "heartbeat",
            ["sync-1"],
            HEARTBEAT,
        )

    def set_lang(self, lang):
        users = self.execute("res.users", "search", [("login", "in", list(LOGINS))])
        self.execute("res.users", "write", users, {"lang": LANGS[lang]})

    def session(self, login):
        """A new session of `login` (the demo's password is the login): its cookie."""
        import requests

        response = requests.post(
            self.base_url + "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": self.db, "login": login, "password": login},
            },
            timeout=30,
        )
        if response.json().get("error") or "session_id" not in response.cookies:
            raise ScreenError(f"cannot log in as {login}")
        return response.cookies["session_id"]


def resolve_url(odoo, url, lang):
    """The screen's URL in `lang`: %s is the language (en, fr); {ref:module.xml_id} a
    record's id, {portal_url:module.xml_id} its portal_url."""
    url = localized(url, lang).replace("%s", lang)
    for key, value in (("{ref:", odoo.ref), ("{portal_url:", odoo.portal_url)):
        while key in url:
            start = url.index(key)
            end = url.index("}", start)
            url = url[:start] + str(value(url[start + len(key) : end])) + url[end + 1 :]
    return url if url.startswith("http") else odoo.base_url + url


# --- Main ----------------------------------------------------------------------------


def capture_all(odoo, screens, langs):
    browser = Browser()
    try:
        for lang in langs:
            odoo.set_lang(lang)
            (OUT / lang).mkdir(parents=True, exist_ok=True)
            for screen in screens:
                what = f"{lang}/{screen.name} (as {screen.login})"
                try:
                    odoo.daemon_heartbeat()
                    browser.login(odoo.base_url, odoo.session(screen.login))
                    browser.goto(resolve_url(odoo, screen.url, lang))
                    for step in screen.steps:
                        browser.run(step, lang)
                    png = optimize_png(browser.capture(screen.clip, screen.scroll_to))
                except ScreenError as error:
                    raise ScreenError(f"{what}: {error}") from None
                if browser.devtools.exceptions:
                    raise ScreenError(
                        f"{what}: JavaScript error: {browser.devtools.exceptions[0]}"
                    )
                path = OUT / lang / f"{screen.name}.png"
                path.write_bytes(png)
                print(f"{path.relative_to(ROOT)}  {len(png) // 1024} KiB", flush=True)
    finally:
        browser.close()
        with contextlib.suppress(Exception):
            odoo.set_lang("en")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", default=os.environ.get("SCREENSHOTS_DB", "helpdesk_screenshots")
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SCREENSHOTS_PORT", 0))
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database if it exists"
    )
    parser.add_argument("--lang", choices=sorted(LANGS), action="append")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=screen_names())
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.port == 8069:
        print("error: port 8069 is the demo's; choose another one", file=sys.stderr)
        return 2
    screens = [s for s in SCREENS if not args.only or s.name in args.only]
    command = ["bash", str(ROOT / "tools" / "demo_db.sh")]
    subprocess.run(
        [*command, *([] if args.reuse else ["--fresh"]), args.db], check=True
    )
    odoo = None
    try:
        odoo = Odoo(args.db, args.port or None)
        odoo.start()
        capture_all(odoo, screens, args.lang or sorted(LANGS))
    except ScreenError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if odoo:
            odoo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
