"""Validate OCDS packages against the OCDS 1.1.5 schemas and codelists shipped in ocds_schema/.

    problems = package_problems(package, kind="release")   # [] when valid

The package schemas refer to the release schema by its URL; a `referencing.Registry` maps
those URLs to the local files, so nothing is fetched. On top of the JSON Schema (draft 4, with
the `date-time` and `uri` formats checked), every field whose codelist is closed is checked
against the codelist's CSV, and the party roles against the (open) partyRole codelist.
"""

import csv
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent / "ocds_schema"
SCHEMA_BASE = "https://standard.open-contracting.org/schema/1__1__5/"
SCHEMAS = (
    "release-schema.json",
    "release-package-schema.json",
    "record-package-schema.json",
    "versioned-release-validation-schema.json",
)

formats = FormatChecker(formats=())


@formats.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None and "T" in value


@formats.checks("uri", raises=ValueError)
def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.scheme in ("urn", "mailto")))


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    return Registry().with_resources(
        (SCHEMA_BASE + name, Resource.from_contents(schema(name))) for name in SCHEMAS
    )


@cache
def validator(kind: str) -> Draft4Validator:
    """The validator of a `kind` ("release" or "record") package."""
    return Draft4Validator(schema(f"{kind}-package-schema.json"), registry=registry(), format_checker=formats)


@cache
def codes(codelist: str) -> frozenset[str]:
    with (SCHEMA_DIR / "codelists" / codelist).open(encoding="utf-8", newline="") as f:
        return frozenset(row["Code"] for row in csv.DictReader(f))


def _closed_fields() -> dict[tuple[str, ...], str]:
    """Where each closed codelist applies in a release: path of property names → codelist file."""
    release = schema("release-schema.json")
    found: dict[tuple[str, ...], str] = {}

    def walk(node, path, depth=0):
        if not isinstance(node, dict) or depth > 12:
            return
        if "$ref" in node and node["$ref"].startswith("#/definitions/"):
            walk(release["definitions"][node["$ref"].split("/")[-1]], path, depth + 1)
        if node.get("codelist") and node.get("openCodelist") is False:
            found[path] = node["codelist"]
        for name, sub in node.get("properties", {}).items():
            walk(sub, (*path, name), depth + 1)
        if "items" in node:
            walk(node["items"], (*path, "[]"), depth + 1)

    walk(release, ())
    return found


CLOSED_FIELDS = _closed_fields()
OPEN_CHECKED = {("parties", "[]", "roles"): "partyRole.csv"}


def _values_at(node, path: tuple[str, ...]):
    if not path:
        yield node
        return
    head, rest = path[0], path[1:]
    if head == "[]":
        if isinstance(node, list):
            for item in node:
                yield from _values_at(item, rest)
    elif isinstance(node, dict) and head in node:
        yield from _values_at(node[head], rest)


def codelist_problems(release: dict) -> list[str]:
    """Codes of `release` not in their codelist (closed ones, and the party roles)."""
    problems = []
    for path, codelist in {**CLOSED_FIELDS, **OPEN_CHECKED}.items():
        for value in _values_at(release, path):
            for code in value if isinstance(value, list) else [value]:
                if code is not None and code not in codes(codelist):
                    problems.append(f"{'/'.join(path)}: {code!r} is not in {codelist}")
    return problems


def package_problems(package: dict, *, kind: str = "release") -> list[str]:
    """Everything wrong with a release or record package; empty when it is valid OCDS 1.1."""
    problems = [
        f"{'/'.join(map(str, e.absolute_path)) or '(package)'}: {e.message}"
        for e in validator(kind).iter_errors(package)
    ]
    if kind == "release":
        releases = package.get("releases") or []
    else:
        releases = [r["compiledRelease"] for r in package.get("records") or [] if "compiledRelease" in r]
    for release in releases:
        problems += [f"{release.get('id')}: {p}" for p in codelist_problems(release)]
    return problems
