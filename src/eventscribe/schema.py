"""The JSON Schema of the output contract, generated from the records (never written by hand)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from eventscribe.records import SCHEMA_VERSION, Findings

SCHEMA_FILE = "findings.schema.json"


def findings_schema() -> dict[str, Any]:
    """Return the JSON Schema of one `eventscribe extract` output line."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Findings).json_schema(mode="serialization")
    for definition in [schema, *schema.get("$defs", {}).values()]:
        # to_json writes every field, defaults included: consumers may rely on each key.
        definition["required"] = sorted(definition.get("properties", {}))
        definition["additionalProperties"] = False
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://eventscribe.invalid/schema/findings-v{SCHEMA_VERSION}.json"
    schema["title"] = f"eventscribe Findings (schema {SCHEMA_VERSION})"
    return schema


def packaged_schema() -> dict[str, Any]:
    """Return the schema file shipped in the package."""
    text = resources.files("eventscribe.resources").joinpath(SCHEMA_FILE).read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def render_schema() -> str:
    """Return the schema as the committed file's text (sorted keys, 2-space indent)."""
    return json.dumps(findings_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
