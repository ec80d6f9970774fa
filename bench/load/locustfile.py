"""The users of the load test (run by bench/load/run.py, which prepares the
database and passes what the users need through LOAD_USERS and LOAD_RECORDS).

- 40 portal customers (LOAD_CUSTOMERS), a browser session each: their ticket
  list, ticket pages, submitting a ticket through the portal form, replying in a
  ticket's chatter;
- 15 agents (LOAD_AGENTS) at L1, L2 and L3, over JSON-RPC as integrations and
  scripts do: searching the knowledge base, looking at their queue, replying to
  customers, escalating to the next tier (L3 agents to the vendor, L4).

Every ticket submitted and every escalation that went through is appended to
LOAD_RECORDS (JSON lines) for the checks that follow the run.
"""

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

SETUP = json.loads(open(os.environ["LOAD_USERS"]).read())  # noqa: SIM115
RECORDS = open(os.environ["LOAD_RECORDS"], "a", buffering=1)  # noqa: SIM115
CUSTOMERS = itertools.cycle(SETUP["customers"])
AGENTS = itertools.cycle(SETUP["agents"])
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TICKET_LINK = re.compile(r'href="/my/ticket/(\d+)')
CATEGORY_SELECT = re.compile(r'<select[^>]*name="category".*?</select>', re.S)
OPTION = re.compile(r'<option[^>]*value="(\d+)"')
NEXT_TIER = {"L1": "L2", "L2": "L3", "L3": "L4"}


def record(kind, **values):
    RECORDS.write(json.dumps({"kind": kind, **values}) + "\n")


@events.quitting.add_listener
def _close_records(**_kwargs):
    RECORDS.close()


class PortalCustomer(HttpUser):
    """A customer on the portal, logged in with a browser session."""

    fixed_count = int(os.environ.get("LOAD_CUSTOMERS", "40"))
    wait_time = between(3, 10)

    def on_start(self):
        self.account = next(CUSTOMERS)
        self.ticket_ids = []
        self.logged_in = False
        self._log_in()

    def _log_in(self):
        """Log in through the login form. When it fails (counted as an error),
        the customer tries again at the next action, as a person would."""
        page = self.client.get("/web/login", name="portal login page")
        if page.status_code != 200:
            return
        with self.client.post(
            "/web/login",
            data={
                "login": self.account["login"],
                "password": self.account["password"],
                "csrf_token": _csrf(page.text),
                "redirect": "/my/tickets",
            },
            name="portal login",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                return
            if "/web/login" in (response.url or ""):
                response.failure("login refused")
                return
            self.logged_in = True
            self._read_list(response.text)

    def _read_list(self, html):
        found = [int(i) for i in TICKET_LINK.findall(html)]
        if found:
            self.ticket_ids = sorted(set(found))

    @task(4)
    def my_tickets(self):
        if not self.logged_in:
            return self._log_in()
        with self.client.get(
            "/my/tickets", name="portal /my/tickets", catch_response=True
        ) as response:
            if response.status_code == 200 and "/my/ticket/" not in response.text:
                response.failure("the customer's tickets are not listed")
            self._read_list(response.text or "")

    @task(4)
    def ticket_page(self):
        if not self.logged_in:
            return self._log_in()
        if not self.ticket_ids:
            return
        ticket_id = random.choice(self.ticket_ids)
        with self.client.get(
            f"/my/ticket/{ticket_id}",
            name="portal /my/ticket/<id>",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "/web/login" in (response.url or ""):
                response.failure("sent back to the login page")

    @task(1)
    def submit(self):
        if not self.logged_in:
            return self._log_in()
        form = self.client.get("/new/ticket", name="portal /new/ticket")
        if form.status_code != 200:
            return
        select = CATEGORY_SELECT.search(form.text)
        categories = OPTION.findall(select.group(0)) if select else []
        marker = f"LOAD-{uuid.uuid4().hex[:12]}"
        with self.client.post(
            "/submitted/ticket",
            data={
                "csrf_token": _csrf(form.text),
                "category": random.choice(categories) if categories else "",
                "subject": f"{marker} Receipt printer stopped printing",
                "description": "Since this morning the receipt printer at till 2 "
                "prints nothing; the light is orange. We restarted it twice.",
                # The portal form of helpdesk_tiers asks these two.
                "business_stopped": "no",
                "affected_users": "2",
            },
            name="portal /submitted/ticket",
            catch_response=True,
        ) as response:
            match = re.search(r"/my/ticket/(\d+)", response.url or "")
            if response.status_code != 200 or not match:
                response.failure(f"no ticket page after submitting: {response.url}")
                return
            self.ticket_ids.append(int(match.group(1)))
            record("submitted", marker=marker, ticket_id=int(match.group(1)))

    @task(2)
    def reply(self):
        if not self.logged_in:
            return self._log_in()
        if not self.ticket_ids:
            return
        ticket_id = random.choice(self.ticket_ids)
        _json_call(
            self.client,
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket_id,
                "post_data": {
                    "body": "Here is the photo of the error screen you asked for.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
            name="portal reply (/mail/message/post)",
        )


class Agent(HttpUser):
    """An agent (L1, L2 or L3) working over JSON-RPC."""

    fixed_count = int(os.environ.get("LOAD_AGENTS", "15"))
    wait_time = between(3, 10)

    def on_start(self):
        self.account = next(AGENTS)
        self.tier = self.account["tier"]
        self.uid = self.account["uid"]

    def rpc(self, model, method, *args, name, **kwargs):
        return _json_call(
            self.client,
            "/jsonrpc",
            {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    SETUP["database"],
                    self.uid,
                    self.account["password"],
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
            name=name,
        )

    def _my_tickets(self, tiers, limit=20):
        return self.rpc(
            "helpdesk.ticket",
            "search",
            [
                ("user_id", "=", self.uid),
                ("tier_id.code", "in", tiers),
                ("stage_id.closed", "=", False),
            ],
            limit=limit,
            name="rpc my tickets",
        )

    @task(5)
    def search_kb(self):
        self.rpc(
            "helpdesk.kb.article",
            "search_articles",
            random.choice(SETUP["queries"]),
            limit=10,
            name="rpc search_articles",
        )

    @task(3)
    def reply(self):
        # L3 follows its tickets at the vendor too: those replies go there.
        tiers = [self.tier, "L4"] if self.tier == "L3" else [self.tier]
        ticket_ids = self._my_tickets(tiers)
        if not ticket_ids:
            return
        self.rpc(
            "helpdesk.ticket",
            "message_post",
            [random.choice(ticket_ids)],
            body="We are on it: could you tell us the firmware version shown on "
            "the configuration page?",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            name="rpc reply (message_post)",
        )

    @task(1)
    def escalate(self):
        ticket_ids = self._my_tickets([self.tier], limit=1)
        if not ticket_ids:
            return
        target = NEXT_TIER[self.tier]
        extra = {"vendor": SETUP["vendor"]} if target == "L4" else {}
        result = self.rpc(
            "helpdesk.ticket",
            "escalate",
            ticket_ids,
            target,
            f"Checked cabling, power and drivers; reproduced the fault on a "
            f"second device (ticket {ticket_ids[0]}). Needs {target}.",
            name=f"rpc escalate to {target}",
            **extra,
        )
        if result is not None:
            record("escalated", ticket_id=ticket_ids[0], tier=target)


def _csrf(html):
    match = CSRF.search(html)
    return match.group(1) if match else ""


def _json_call(client, path, params, name):
    """A JSON-RPC call; an error in the answer counts as a failure. Returns the
    result, None on failure."""
    with client.post(
        path,
        json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
        name=name,
        catch_response=True,
    ) as response:
        if response.status_code != 200:
            return None
        try:
            data = response.json()
        except ValueError:
            response.failure("not JSON")
            return None
        if "error" in data:
            error = data["error"].get("data", {}).get("message") or data["error"]
            response.failure(str(error)[:300])
            return None
        return data.get("result")
