"""What the OpenAPI document promises beyond what the endpoints' signatures say.

Every refusal the API gives is in the document, with one error body (``Error``):

- 401: no token, or one that is revoked, expired with its holder's move, or locked;
- 403: the role may not (every operation but ``/me`` checks a permission);
- 404: the object in the path — or one the body names — does not exist or lies outside
  the user's units (operations with a path parameter, and those whose body names records);
- 409: a well-formed request that the records' current state or a business rule refuses
  (the order is signed for already, the deadline has passed, the key's first request is
  still being answered…) — every POST;
- 413: an upload or a body past the size limit — every POST;
- 422: the request does not match this document (types, bounds, lengths, formats, enums,
  required fields; text no database can store) — every operation.

Every string parameter and field says what the server enforces on all text: no NUL
character (``pattern``) and at most ``TEXT_MAX_CHARS`` characters (``maxLength``), unless
it declares a tighter bound, a format or a list of values of its own.

A multipart body lists its fields and no others (``additionalProperties: false``), as a
JSON body does: the endpoint refuses any other field name with a 422 naming it
(``common.refuse_unlisted_fields``), a name with a NUL among them.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "title": "Error",
    "type": "object",
    "description": "Every refusal: a sentence, or the fields at fault with their messages.",
    "properties": {
        "detail": {
            "title": "Detail",
            "anyOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            ],
        }
    },
    "required": ["detail"],
}

WHY = {
    401: "No valid API token (Authorization: Bearer sy_…).",
    403: "The role may not do this, or only another party may take this step.",
    404: "The object named does not exist or lies outside the user's units.",
    409: "Refused by the records' current state or a business rule (the detail says which).",
    413: "An upload or body past the size limit.",
    422: "The request does not match this document (the detail names the fields).",
}

NO_PERMISSION_CHECK = frozenset({"me"})  # operations any holder of a token may call
NAMES_RECORDS_IN_BODY = "x-names-records"  # an operation whose body names records: may 404
NO_NUL = "^[^\\x00]*$"


def codes_for(path: str, method: str, operation: dict) -> list[int]:
    name = operation.get("operationId", "").rsplit("_", 1)[-1]
    codes = [401, 422]
    if name not in NO_PERMISSION_CHECK:
        codes.append(403)
    if "{" in path or operation.pop(NAMES_RECORDS_IN_BODY, False):
        codes.append(404)
    if method == "post":
        codes += [409, 413]
    return sorted(codes)


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every operation's refusals and every string's bounds."""
    from shuangyong.core.middleware import text_max

    components = document.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR
    ref = {"$ref": "#/components/schemas/Error"}
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for code in codes_for(path, method, operation):
                responses.setdefault(
                    code,
                    {"description": WHY[code], "content": {"application/json": {"schema": ref}}},
                )
            for parameter in operation.get("parameters", []):
                # a query's own bounds (in its signature) keep a URL short; NUL is refused
                _bound_strings(parameter.get("schema", {}), None)
            for kind, media in operation.get("requestBody", {}).get("content", {}).items():
                _bound_strings(media.get("schema", {}), text_max())
                if kind == "multipart/form-data":
                    media["schema"].setdefault("additionalProperties", False)
    for name, schema in components.items():
        if name != "Error":
            _bound_strings(schema, text_max())
    return document


def _bound_strings(schema: Any, most: int | None) -> None:
    """Give every plain string (no format, enum or pattern of its own) the server's
    limits on all text (``most`` characters, no NUL), the names of a mapping's keys too;
    a binary upload is not text."""
    if isinstance(schema, list):
        for item in schema:
            _bound_strings(item, most)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not ({"format", "enum", "const"} & set(schema)):
        schema.setdefault("pattern", NO_NUL)
        if most is not None:
            schema["maxLength"] = min(schema.get("maxLength", most), most)
    if schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict):
        schema.setdefault("propertyNames", {"pattern": NO_NUL})
    for key, value in schema.items():
        if key in ("properties", "$defs", "definitions"):
            for sub in value.values():
                _bound_strings(sub, most)
        elif key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties", "not"):
            _bound_strings(value, most)
