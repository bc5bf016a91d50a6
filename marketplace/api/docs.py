"""The OpenAPI document (``/openapi.json``) and the same document as a web page (``/docs``)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from marketplace.api import openapi
from marketplace.api.blueprint import PREFIX, bp

METHODS = ("get", "post", "patch", "put", "delete")


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    with force_locale("en"):
        return jsonify(openapi.document())


@bp.get("/docs")
def docs_page() -> ResponseReturnValue:
    document = openapi.document()
    return render_template(
        "api/docs.html",
        document=document,
        groups=operations_by_tag(document),
        base_url=request.url_root.rstrip("/") + PREFIX,
    )


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A local ``$ref`` (``#/components/...``) replaced by its target."""
    pointer = node.get("$ref", "")
    if not pointer.startswith("#/"):
        return node
    target: Any = document
    for part in pointer[2:].split("/"):
        target = target[part]
    return target  # type: ignore[no-any-return]


def type_text(schema: dict[str, Any]) -> str:
    """A short description of a schema for people: ``region``, ``integer``, ``a | b``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " | ".join(type_text(s) for s in schema["anyOf"])
    text = str(schema.get("type", "object"))
    if schema.get("format"):
        text += f" ({schema['format']})"
    return text


def operations_by_tag(document: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The document's operations grouped by their first tag, in the document's order."""
    groups: dict[str, list[dict[str, Any]]] = {tag["name"]: [] for tag in document.get("tags", [])}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            parameters = [_resolve(document, p) for p in operation.get("parameters", [])]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            groups.setdefault(operation["tags"][0], []).append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation["summary"],
                    "description": operation.get("description", ""),
                    "write": "security" in operation,
                    "parameters": [
                        {**p, "type": type_text(p.get("schema", {}))} for p in parameters
                    ],
                    "body": type_text(body["schema"]) if body else None,
                    "responses": [
                        (status, _resolve(document, response).get("description", ""))
                        for status, response in operation["responses"].items()
                    ],
                }
            )
    return [(tag, operations) for tag, operations in groups.items() if operations]
