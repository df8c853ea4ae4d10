"""The record's JSON Schema, shipped in the package, and a validator for it."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator


@cache
def record_schema() -> dict[str, Any]:
    return json.loads(files("crawler").joinpath("article.schema.json").read_text(encoding="utf-8"))


@cache
def record_validator() -> Draft202012Validator:
    return Draft202012Validator(record_schema())


def schema_errors(record: dict[str, Any]) -> list[str]:
    """Every way *record* breaks the schema, one readable line each (empty when valid)."""
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '<record>'}: {err.message}"
        for err in record_validator().iter_errors(record)
    ]
