"""The API reference as an ordinary, accessible page (our template, no third-party JavaScript):
every operation of the OpenAPI schema with its method, path, summary, parameters, and the fields of
its request and responses. Built from the same generator as /api/v1/schema/, so it cannot drift."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
MAX_DEPTH = 4
_CACHE: dict[str, dict[str, Any]] = {}


def schema_document() -> dict[str, Any]:
    """The OpenAPI document in the active language (labels of choices are translated), cached."""
    lang = get_language() or "th"
    if lang not in _CACHE:
        _CACHE[lang] = SchemaGenerator().get_schema(request=None, public=True)
    return _CACHE[lang]


@dataclass
class FieldRow:
    name: str
    type: str
    required: bool
    description: str = ""
    read_only: bool = False


@dataclass
class Body:
    status: str
    description: str
    fields: list[FieldRow] = field(default_factory=list)
    component: str = ""


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    tag: str
    parameters: list[dict[str, Any]]
    request: Body | None
    responses: list[Body]
    security: list[str]


class _Resolver:
    def __init__(self, doc: dict[str, Any]):
        self.schemas = doc.get("components", {}).get("schemas", {})

    def deref(self, node: dict[str, Any]) -> tuple[dict[str, Any], str]:
        name = ""
        seen = 0
        while "$ref" in node and seen < 10:
            name = node["$ref"].rsplit("/", 1)[-1]
            node = self.schemas.get(name, {})
            seen += 1
        if "allOf" in node and len(node["allOf"]) == 1:
            inner, inner_name = self.deref(node["allOf"][0])
            return {**inner, **{k: v for k, v in node.items() if k != "allOf"}}, name or inner_name
        return node, name

    def type_of(self, node: dict[str, Any]) -> str:
        node, name = self.deref(node)
        if "oneOf" in node:
            kinds = [self.type_of(n) for n in node["oneOf"]]
            return " | ".join(k for k in kinds if k)
        kind = node.get("type", "")
        if isinstance(kind, list):
            kind = " | ".join(kind)
        if kind == "array":
            return f"array of {self.type_of(node.get('items', {}))}"
        if "enum" in node:
            values = ", ".join(str(v) for v in node["enum"] if v not in (None, ""))
            return f"{kind or 'string'} (one of: {values})"
        if node.get("format"):
            kind = f"{kind} ({node['format']})"
        if node.get("nullable"):
            kind = f"{kind}, null"
        return kind or (name or "any")

    def fields(self, node: dict[str, Any], prefix: str = "", depth: int = 0) -> list[FieldRow]:
        node, _ = self.deref(node)
        if node.get("type") == "array":
            return self.fields(node.get("items", {}), prefix + "[]", depth)
        rows: list[FieldRow] = []
        required = set(node.get("required", []))
        for name, prop in node.get("properties", {}).items():
            full = f"{prefix}.{name}" if prefix else name
            target, _ = self.deref(prop)
            rows.append(FieldRow(
                name=full, type=self.type_of(prop), required=name in required,
                description=prop.get("description") or target.get("description", ""),
                read_only=bool(prop.get("readOnly")),
            ))
            inner = target.get("items", {}) if target.get("type") == "array" else target
            inner, _ = self.deref(inner)
            if depth < MAX_DEPTH and inner.get("properties"):
                suffix = "[]" if target.get("type") == "array" else ""
                rows.extend(self.fields(inner, full + suffix, depth + 1))
        return rows


def operations(doc: dict[str, Any]) -> list[Operation]:
    res = _Resolver(doc)
    out: list[Operation] = []
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = []
            for p in op.get("parameters", []):
                p, _ = res.deref(p)
                params.append({
                    "name": p.get("name", ""), "in": p.get("in", ""), "required": bool(p.get("required")),
                    "type": res.type_of(p.get("schema", {})), "description": p.get("description", ""),
                })
            request = None
            content = op.get("requestBody", {}).get("content", {})
            if content:
                media = content.get("application/json") or next(iter(content.values()))
                node, name = res.deref(media.get("schema", {}))
                request = Body(status="", description="", fields=res.fields(node), component=name)
            responses = []
            for status, answer in op.get("responses", {}).items():
                rcontent = answer.get("content", {})
                media = rcontent.get("application/json") or (next(iter(rcontent.values())) if rcontent else {})
                rows: list[FieldRow] = []
                name = ""
                if media.get("schema"):
                    node, name = res.deref(media["schema"])
                    rows = res.fields(node)
                responses.append(Body(status=status, description=answer.get("description", ""), fields=rows, component=name))
            security = sorted({k for s in op.get("security", []) for k in s})
            out.append(Operation(
                method=method.upper(), path=path, anchor=op.get("operationId", f"{method}-{path}"),
                summary=op.get("summary", ""), description=op.get("description", ""),
                tag=(op.get("tags") or ["other"])[0], parameters=params, request=request, responses=responses,
                security=security,
            ))
    return out


def grouped(ops: list[Operation]) -> list[tuple[str, list[Operation]]]:
    groups: dict[str, list[Operation]] = {}
    for op in ops:
        groups.setdefault(op.tag, []).append(op)
    return list(groups.items())


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    doc = schema_document()
    ops = operations(doc)
    ctx = {
        "info": doc.get("info", {}),
        "groups": grouped(ops),
        "operation_count": len(ops),
        "security_schemes": doc.get("components", {}).get("securitySchemes", {}),
    }
    return render(request, "api/docs.html", ctx)
