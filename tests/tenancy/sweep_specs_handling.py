"""Sweep specs for the handling routes (issue 4): API (documents/api/handling.py) and pages
(documents/web/views/handling.py). The world's handling objects: tests/tenancy/world_handling.py.
Routes that consume their object (every action moves a holding on) take a fresh one."""

from __future__ import annotations

from typing import Any

from tests.tenancy.sweep_specs import Spec
from tests.tenancy.tenant_world import World


def _fresh(model: str, kwarg: str) -> Any:
    return lambda w: {kwarg: w.fresh("a", model).pk}


def _own(model: str, kwarg: str) -> Any:
    return lambda w: {kwarg: w.id("a", model)}


def _chain(w: World) -> dict[str, Any]:
    # sorted last, so a page choosing "the chain that fits the letter" never lands on the sweep's chains
    return {"name_th": w.name("สายเสนอ"), "position_ids": [w.id("a", "position")], "sort_order": 900}


def _category(w: World) -> dict[str, Any]:
    return {"code": w.name("c")[-40:], "name_th": w.name("แฟ้ม"), "retention_years": 5}


def _due_rule(w: World) -> dict[str, Any]:
    return {"name_th": w.name("หลักเกณฑ์"), "working_days": 3, "sort_order": 900}


def _memo(w: World) -> dict[str, Any]:
    return {"idempotency_key": w.name("m")[-60:], "subject": f"sw{w.run}-บันทึก", "body": w.name("ข้อความ")}


HOLDING = {"path:holding_id": "presentholding"}
HANDLING = {"path:handling_id": "handling"}

HANDLING_API_SPECS: dict[str, Spec] = {
    "api-handling-inbox": Spec(query=lambda w: {"sort": "received"}),
    "api-handling": Spec(kwargs=_own("handling", "handling_id"), ids=HANDLING),
    "api-handling-working-copy": Spec(kwargs=_own("copyhandling", "handling_id"),
                                      ids={"path:handling_id": "copyhandling"}, ok=(200,)),
    "api-handling-start": Spec(kwargs=_fresh("entry", "entry_id"), ids={"path:entry_id": "entry"},
                               body=lambda w: {"summary": w.name("สรุปเรื่อง")}),
    "api-handling-present": Spec(kwargs=_fresh("handling", "handling_id"), ids={**HANDLING, "body:chain_id": "chain"},
                                 body=lambda w: {"chain_id": w.id("a", "chain")}),
    "api-handling-inform": Spec(kwargs=_fresh("informhandling", "handling_id"),
                                ids={"path:handling_id": "informhandling", "body:unit_ids.0": "orgunit"},
                                body=lambda w: {"unit_ids": [w.id("a", "orgunit")]}),
    "api-handling-distribute": Spec(kwargs=_fresh("orderedhandling", "handling_id"),
                                    ids={"path:handling_id": "orderedhandling", "body:unit_ids.0": "orgunit"},
                                    body=lambda w: {"unit_ids": [w.id("a", "orgunit")]}),
    "api-handling-endorse": Spec(kwargs=_fresh("presentholding", "holding_id"),
                                 ids={**HOLDING, "body:order_units.0": "orgunit"},
                                 body=lambda w: {"phrase": "ดำเนินการ", "order_units": [w.id("a", "orgunit")]}),
    "api-handling-endorse-bulk": Spec(ids={"body:holding_ids.0": "infopresent"},
                                      body=lambda w: {"holding_ids": [w.fresh("a", "infopresent").pk]}),
    "api-handling-acknowledge": Spec(kwargs=_fresh("informholding", "holding_id"),
                                     ids={"path:holding_id": "informholding"}),
    "api-handling-unit-register": Spec(kwargs=_fresh("unitholding", "holding_id"),
                                       ids={"path:holding_id": "unitholding"}, body=lambda w: {"note": "รับแล้ว"}),
    "api-handling-assign": Spec(kwargs=_fresh("registeredholding", "holding_id"),
                                ids={"path:holding_id": "registeredholding", "body:membership_ids.0": "membership"},
                                body=lambda w: {"membership_ids": [w.id("a", "membership")]}),
    "api-handling-return": Spec(kwargs=_fresh("unitholding", "holding_id"), ids={"path:holding_id": "unitholding"},
                                body=lambda w: {"reason": "ไม่ใช่งานของหน่วย"}),
    "api-handling-forward": Spec(kwargs=_fresh("unitholding", "holding_id"),
                                 ids={"path:holding_id": "unitholding", "body:unit_id": "otherunit"},
                                 body=lambda w: {"unit_id": w.id("a", "otherunit"), "reason": "งานของหน่วยอื่น"}),
    "api-handling-act": Spec(kwargs=_fresh("task", "holding_id"), ids={"path:holding_id": "task"},
                             body=lambda w: {"text": "ดำเนินการแล้ว"}),
    "api-handling-close": Spec(kwargs=_fresh("task", "holding_id"),
                               ids={"path:holding_id": "task", "body:file_category_id": "filecategory"},
                               body=lambda w: {"file_category_id": w.id("a", "filecategory")}),
    "api-handling-chains GET": Spec(),
    "api-handling-chains POST": Spec(body=_chain, ids={"body:position_ids.0": "position"}),
    "api-handling-delegations GET": Spec(),
    "api-handling-delegations POST": Spec(
        ids={"body:from_position_id": "position", "body:to_position_id": "chainposition"},
        body=lambda w: {"from_position_id": w.id("a", "position"), "to_position_id": w.id("a", "chainposition"),
                        "order_reference": w.name("คำสั่ง"), "order_date": "2024-01-02", "starts_on": "2024-01-02"}),
    "api-handling-delegation-revoke": Spec(kwargs=_fresh("delegation", "delegation_id"),
                                           ids={"path:delegation_id": "delegation"},
                                           body=lambda w: {"reason": "ยกเลิกคำสั่ง"}),
    "api-handling-file-categories GET": Spec(),
    "api-handling-file-categories POST": Spec(body=_category),
    # switched ON (a no-op on the world's rows), so the chain stays usable for the other routes
    "api-handling-chain-set-active": Spec(kwargs=_own("chain", "chain_id"), ids={"path:chain_id": "chain"},
                                          body=lambda w: {"active": True}),
    "api-handling-file-category-set-active": Spec(kwargs=_own("filecategory", "category_id"),
                                                  ids={"path:category_id": "filecategory"}, body=lambda w: {"active": True}),
    "api-handling-due-rules GET": Spec(),
    "api-handling-due-rules POST": Spec(body=_due_rule),
    "api-handling-due-rule-set-active": Spec(kwargs=_own("duerule", "rule_id"), ids={"path:rule_id": "duerule"},
                                             body=lambda w: {"active": True}),
    "api-handling-file": Spec(kwargs=lambda w: {"handling_id": w.id("a", "actionhandling"), "file_id": w.id("a", "actionfile")},
                              ids={"path:handling_id": "actionhandling", "path:file_id": "actionfile"}),
    "api-handling-memo-send": Spec(ids={"body:from_unit_id": "orgunit", "body:unit_ids.0": "otherunit"},
                                   body=lambda w: {**_memo(w), "from_unit_id": w.id("a", "orgunit"),
                                                   "unit_ids": [w.id("a", "otherunit")]}),
}


# --- pages (documents/web/views/handling.py): form posts; success redirects --------------------------------
HANDLING_WEB_SPECS: dict[str, Spec] = {
    "handling-inbox": Spec(query=lambda w: {"sort": "received", "purpose": "consider"}),
    "handling-endorse-bulk": Spec(ids={"body:holdings.0": "infopresent"},
                                  body=lambda w: {"holdings": [w.fresh("a", "infopresent").pk]}),
    "handling-note GET": Spec(kwargs=_fresh("entry", "entry_id"), ids={"path:entry_id": "entry"}),
    "handling-note POST": Spec(kwargs=_fresh("entry", "entry_id"), ids={"path:entry_id": "entry"},
                               body=lambda w: {"summary": w.name("สรุปเรื่อง")}),
    "handling-letter": Spec(kwargs=_own("handling", "handling_id"), ids=HANDLING),
    "handling-sheet": Spec(kwargs=_own("handling", "handling_id"), ids=HANDLING),
    "handling-file": Spec(kwargs=lambda w: {"handling_id": w.id("a", "actionhandling"), "file_id": w.id("a", "actionfile")},
                          ids={"path:handling_id": "actionhandling", "path:file_id": "actionfile"}),
    "handling-working-copy": Spec(kwargs=_own("copyhandling", "handling_id"), ids={"path:handling_id": "copyhandling"},
                                  ok=(200,)),
    "handling-present": Spec(kwargs=_fresh("handling", "handling_id"), ids={**HANDLING, "body:chain": "chain"},
                             body=lambda w: {"chain": w.id("a", "chain")}),
    "handling-inform": Spec(kwargs=_fresh("informhandling", "handling_id"),
                            ids={"path:handling_id": "informhandling", "body:units.0": "orgunit"},
                            body=lambda w: {"units": [w.id("a", "orgunit")]}),
    "handling-distribute": Spec(kwargs=_fresh("orderedhandling", "handling_id"),
                                ids={"path:handling_id": "orderedhandling", "body:units.0": "orgunit"},
                                body=lambda w: {"units": [w.id("a", "orgunit")]}),
    "handling-endorse": Spec(kwargs=_fresh("presentholding", "holding_id"),
                             ids={**HOLDING, "body:order_units.0": "orgunit"},
                             body=lambda w: {"phrase": "ดำเนินการ", "order_units": [w.id("a", "orgunit")]}),
    "handling-acknowledge": Spec(kwargs=_fresh("informholding", "holding_id"), ids={"path:holding_id": "informholding"}),
    "handling-unit-register": Spec(kwargs=_fresh("unitholding", "holding_id"), ids={"path:holding_id": "unitholding"},
                                   body=lambda w: {"idempotency_key": w.name("k")[-60:]}),
    "handling-assign": Spec(kwargs=_fresh("registeredholding", "holding_id"),
                            ids={"path:holding_id": "registeredholding", "body:members.0": "membership"},
                            body=lambda w: {"members": [w.id("a", "membership")], "due_on": ""}),
    "handling-return": Spec(kwargs=_fresh("unitholding", "holding_id"), ids={"path:holding_id": "unitholding"},
                            body=lambda w: {"reason": "ไม่ใช่งานของหน่วย"}),
    "handling-forward": Spec(kwargs=_fresh("unitholding", "holding_id"),
                             ids={"path:holding_id": "unitholding", "body:unit": "otherunit"},
                             body=lambda w: {"unit": w.id("a", "otherunit"), "reason": "งานของหน่วยอื่น"}),
    "handling-act": Spec(kwargs=_fresh("task", "holding_id"), ids={"path:holding_id": "task"},
                         body=lambda w: {"text": "ดำเนินการแล้ว"}),
    "handling-settings": Spec(user="agency_admin"),
    "handling-chain-create": Spec(user="agency_admin", ids={"body:step_1": "position"},
                                  body=lambda w: {"name_th": w.name("สายเสนอ"), "step_1": w.id("a", "position")}),
    "handling-category-create": Spec(user="agency_admin", body=lambda w: {**_category(w)}),
    "handling-delegation-create": Spec(
        ids={"body:from_position": "position", "body:to_position": "chainposition"},
        body=lambda w: {"from_position": w.id("a", "position"), "to_position": w.id("a", "chainposition"),
                        "order_reference": w.name("คำสั่ง"), "order_date": "02/01/2567", "starts_on": "02/01/2567"}),
    "handling-delegation-revoke": Spec(kwargs=_fresh("delegation", "delegation_id"),
                                       ids={"path:delegation_id": "delegation"},
                                       body=lambda w: {"revoke-reason": "ยกเลิกคำสั่ง"}),
    "handling-chain-set-active": Spec(kwargs=_own("chain", "chain_id"), ids={"path:chain_id": "chain"},
                                      body=lambda w: {"active": "1"}),
    "handling-category-set-active": Spec(kwargs=_own("filecategory", "category_id"),
                                         ids={"path:category_id": "filecategory"}, body=lambda w: {"active": "1"}),
    "handling-due-rule-create": Spec(body=_due_rule),
    "handling-due-rule-set-active": Spec(kwargs=_own("duerule", "rule_id"), ids={"path:rule_id": "duerule"},
                                         body=lambda w: {"active": "1"}),
    "handling-memo-new GET": Spec(),
    "handling-memo-new POST": Spec(ids={"body:from_unit": "orgunit", "body:units.0": "otherunit"},
                                   body=lambda w: {**_memo(w), "from_unit": w.id("a", "orgunit"),
                                                   "units": [w.id("a", "otherunit")], "salutation": "เรียน",
                                                   "purpose": "act", "urgency": "001"}),
    "handling-close": Spec(kwargs=_fresh("task", "holding_id"),
                           ids={"path:holding_id": "task", "body:category": "filecategory"},
                           body=lambda w: {"category": w.id("a", "filecategory")}),
}

# --- circulation (documents/api/circulation.py, documents/web/views/circulation.py): the world's officer is
# the audience of each fresh circulation; the all-roles member sent it ---------------------------------------
CIRC = {"path:circulation_id": "circulation"}
HANDLING_API_SPECS.update({
    "api-handling-circulate": Spec(kwargs=_fresh("handling", "handling_id"),
                                   ids={**HANDLING, "body:unit_ids.0": "orgunit"},
                                   body=lambda w: {"audience": "units", "unit_ids": [w.id("a", "orgunit")]}),
    "api-handling-circulations": Spec(),
    "api-handling-own-letter": Spec(kwargs=_fresh("outentry", "entry_id"), ids={"path:entry_id": "outentry"}),
    "api-handling-circulation": Spec(kwargs=_own("circulation", "circulation_id"), ids=CIRC),
    "api-handling-circulation-acknowledge": Spec(user="officer", kwargs=_fresh("circulation", "circulation_id"), ids=CIRC),
    "api-handling-circulation-close": Spec(kwargs=_fresh("circulation", "circulation_id"), ids=CIRC),
})
HANDLING_WEB_SPECS.update({
    "handling-circulate GET": Spec(kwargs=_own("handling", "handling_id"), ids=HANDLING),
    "handling-circulate POST": Spec(kwargs=_fresh("handling", "handling_id"), ids={**HANDLING, "body:units.0": "orgunit"},
                                    body=lambda w: {"audience": "units", "units": [w.id("a", "orgunit")]}),
    "handling-circulations": Spec(),
    "handling-own-letter-circulate": Spec(kwargs=_fresh("outentry", "entry_id"), ids={"path:entry_id": "outentry"}),
    "handling-circulation": Spec(kwargs=_own("circulation", "circulation_id"), ids=CIRC),
    "handling-circulation-acknowledge": Spec(user="officer", kwargs=_fresh("circulation", "circulation_id"), ids=CIRC),
    "handling-circulation-status": Spec(kwargs=_own("circulation", "circulation_id"), ids=CIRC),
    "handling-circulation-close": Spec(kwargs=_fresh("circulation", "circulation_id"), ids=CIRC),
    "handling-circulation-sheet": Spec(kwargs=_own("circulation", "circulation_id"), ids=CIRC),
})

# --- notifications and the overdue list (documents/web/views/notifications.py, documents/api/notifications.py) ----
NOTIFICATION = {"path:notification_id": "notification"}
PREFS = {"email_enabled": True, "email_urgent_only": False, "email_overdue": True}

NOTIFICATION_WEB_SPECS: dict[str, Spec] = {
    "notifications": Spec(query=lambda w: {"unread": "1"}),
    "notifications-read-all": Spec(),
    "notification-settings GET": Spec(),
    "notification-settings POST": Spec(body=lambda w: {"email_enabled": "on", "email_overdue": "on"}),
    "notification-open": Spec(kwargs=_fresh("notification", "notification_id"), ids=NOTIFICATION),
    "notification-read": Spec(kwargs=_fresh("notification", "notification_id"), ids=NOTIFICATION),
    "overdue": Spec(),
}

NOTIFICATION_API_SPECS: dict[str, Spec] = {
    "api-notifications": Spec(query=lambda w: {"unread": "true"}),
    "api-notifications-unread-count": Spec(),
    "api-notifications-read-all": Spec(),
    "api-notification-preferences GET": Spec(),
    "api-notification-preferences PUT": Spec(body=lambda w: dict(PREFS)),
    "api-notification-read": Spec(kwargs=_fresh("notification", "notification_id"), ids=NOTIFICATION),
    "api-handling-overdue": Spec(),
}
