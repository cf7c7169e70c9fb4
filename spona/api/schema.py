"""OpenAPI post-processing: document the error answers every endpoint can give."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
_ERRORS = {
    "401": "Missing, invalid or expired token.",
    "403": "The access policy does not allow this.",
    "404": "No such object, or not visible to this user.",
    "429": "Too many requests; retry later.",
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular hook: add the shared error responses to every secured operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"], schemas["FieldErrors"] = ERROR_SCHEMA, FIELD_ERRORS_SCHEMA
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if operation.get("security") == [{}]:
                continue
            errors = {code: (text, "Error") for code, text in _ERRORS.items()}
            if operation.get("requestBody"):
                errors["415"] = ("The body is not JSON (Content-Type: application/json).", "Error")
            if operation.get("parameters") or operation.get("requestBody"):
                errors["400"] = (
                    "A parameter or field is malformed; the answer names it.",
                    "FieldErrors",
                )
            for code, (text, schema) in errors.items():
                reference: dict[str, Any] = {"$ref": f"#/components/schemas/{schema}"}
                if code == "400":  # field errors, or a body that could not be parsed at all
                    reference = {"anyOf": [reference, {"$ref": "#/components/schemas/Error"}]}
                content = {"application/json": {"schema": reference}}
                operation["responses"].setdefault(code, {"description": text, "content": content})
    return result
