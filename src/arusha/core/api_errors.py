"""The error answers every API operation may give, described once and added to each operation of
the OpenAPI document, so a client knows what a 401, 403, 404, 422 or 429 looks like.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

from typing import Any

from ninja import Schema
from pydantic import BaseModel


class ErrorOut(Schema):
    detail: str


class ProblemOut(Schema):
    loc: list[str | int]
    msg: str
    type: str = ""


class InvalidOut(Schema):
    detail: list[ProblemOut] | str


COMPONENTS: dict[str, type[BaseModel]] = {
    "ErrorOut": ErrorOut,
    "InvalidOut": InvalidOut,
    "ProblemOut": ProblemOut,
}

DESCRIPTIONS = {
    "401": "No valid token or session.",
    "403": "You may see this but not change it.",
    "404": "Not found, or not yours to see.",
    "409": "Not possible in the object's current state.",
    "422": "The input did not pass validation; `detail` lists each problem by location.",
    "429": "Too many requests; try again in a minute.",
}


def _answer(code: str) -> dict[str, Any]:
    name = "InvalidOut" if code == "422" else "ErrorOut"
    return {
        "description": DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def _codes(method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["422", "429"]
    if operation.get("security"):
        codes.append("401")
    if method != "get" and operation.get("security"):
        codes.append("403")
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        codes.append("404")
    return codes


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers to every operation of an OpenAPI document (in place)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, model in COMPONENTS.items():
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        body.pop("$defs", None)
        components.setdefault(name, body)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _codes(method, operation):
                responses.setdefault(code, _answer(code))
            if "409" in responses:
                responses["409"] = _answer("409")
    return schema
