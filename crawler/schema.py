"""The record's JSON Schema, shipped in the package, and a validator for it.

Every record is checked on its way to the file, so the check is compiled
(fastjsonschema turns the schema into Python code, about six times faster than
jsonschema walking it); only a record that fails is walked again by jsonschema,
which lists every error, not just the first.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator


@cache
def record_schema() -> dict[str, Any]:
    return json.loads(files("crawler").joinpath("article.schema.json").read_text(encoding="utf-8"))


@cache
def record_validator() -> Draft202012Validator:
    # Local "$ref"s written out in place: the same checks, but each record is validated
    # about twice as fast, without a reference lookup per field.
    return Draft202012Validator(_inline_refs(record_schema(), record_schema().get("$defs", {})))


@cache
def compiled_check() -> Any:
    """The schema as a compiled function that raises on the first error.  The schema uses no
    keyword newer than draft 7, the last draft fastjsonschema knows; formats are annotations,
    as they are for jsonschema's validator."""
    schema = _inline_refs(record_schema(), record_schema().get("$defs", {}))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    del schema["$defs"]
    return fastjsonschema.compile(schema, use_formats=False)


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if len(node) == 1 and isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline_refs(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(value, defs) for value in node]
    return node


def schema_errors(record: dict[str, Any]) -> list[str]:
    """Every way *record* breaks the schema, one readable line each (empty when valid)."""
    try:
        compiled_check()(record)
        return []
    except fastjsonschema.JsonSchemaValueException:
        pass
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '<record>'}: {err.message}"
        for err in record_validator().iter_errors(record)
    ]
