"""One loader for a city pack: a folder of CSV files, each described by a small spec.

A `FileSpec` says which file, which columns (with how each is read and checked), which columns
form the key and which model the rows become. `pack_load` reads and checks every file of the
pack first and writes only when all of it is sound, in one transaction: a bad row anywhere
loads nothing at all. Every problem is reported in one style, `file line N, column C: why`.
Loading is idempotent: rows are matched by their key and reported created, updated or
unchanged. The pack's files and columns are documented in docs/city-pack.md.
"""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import models, transaction

MAX_REPORTED_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None = None
    column: str | None = None
    why: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.why}"


class CityPackError(Exception):
    """The pack is missing a file or holds rows that cannot be loaded; nothing was loaded."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = [str(p) for p in problems[:MAX_REPORTED_PROBLEMS]]
        if len(problems) > MAX_REPORTED_PROBLEMS:
            shown.append(f"… and {len(problems) - MAX_REPORTED_PROBLEMS} more problems")
        super().__init__("\n".join(shown))


@dataclass
class LoadReport:
    label: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.label}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged."


def text(value: str) -> str:
    return value.strip()


def whole_number(*, minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    """A reader of whole numbers within bounds (digits only; dots as thousands separators allowed)."""

    def read(value: str) -> int:
        digits = value.strip().replace(".", "")
        if not digits.lstrip("-").isdigit():
            raise ValueError(f"{value.strip()!r} is not a whole number")
        number = int(digits)
        if minimum is not None and number < minimum:
            raise ValueError(f"{number} is below {minimum}")
        if maximum is not None and number > maximum:
            raise ValueError(f"{number} is above {maximum}")
        return number

    return read


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value.strip()!r} is not a date like 2026-01-31") from None


def percent_in_basis_points(value: str) -> int:
    """A percentage such as 10, 0.5 or 0,5 as basis points (1000, 50)."""
    try:
        percent = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{value.strip()!r} is not a percentage like 10 or 0.5") from None
    if not Decimal(0) <= percent <= Decimal(100) or (percent * 100) % 1:
        raise ValueError(f"{value.strip()!r} must lie between 0 and 100, in hundredths of a percent at most")
    return int(percent * 100)


def one_of(choices: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(choices)

    def read(value: str) -> str:
        value = value.strip()
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    return read


@dataclass(frozen=True)
class Column:
    """One CSV column: `read` turns the text into the field's value or raises ValueError(why)."""

    name: str
    field: str | None = None  # the model field it fills (default: the column's name); "" fills none
    read: Callable[[str], Any] = text
    required: bool = True
    default: Any = ""

    @property
    def target(self) -> str | None:
        return self.name if self.field is None else (self.field or None)


@dataclass(frozen=True)
class Reference:
    """A column naming another row by its code: `column` holds `model.<to_field>` of the row meant.

    The row meant may be in the database already or earlier in the same file (rows are sorted
    with `FileSpec.order` so that parents come first)."""

    column: str
    field: str
    model: type[models.Model]
    to_field: str = "code"


@dataclass(frozen=True)
class FileSpec:
    file: str
    label: str
    model: type[models.Model]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    references: tuple[Reference, ...] = ()
    order: Callable[[dict], Any] | None = None  # sort key, e.g. parents before children
    check: Callable[[dict], list[tuple[str, str]]] | None = None  # row -> [(column, why)]
    required_file: bool = True
    check_file: Callable[[list[dict]], list[str]] | None = None  # all sound rows -> [why], e.g. one missing

    @property
    def fields(self) -> list[str]:
        return [c.target for c in self.columns if c.target] + [r.field for r in self.references]


@dataclass
class _Parsed:
    spec: FileSpec
    rows: list[tuple[int, dict]] = field(default_factory=list)


def _read(spec: FileSpec, pack_dir: Path, problems: list[Problem]) -> _Parsed | None:
    path = pack_dir / spec.file
    parsed = _Parsed(spec)
    if not path.is_file():
        if spec.required_file:
            problems.append(Problem(spec.file, why=f"file not found in {pack_dir}"))
        return None
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c.name for c in spec.columns if c.required and c.name not in header]
            missing += [r.column for r in spec.references if r.column not in header]
            if missing:
                problems.append(Problem(spec.file, 1, ", ".join(missing), "column missing from the header"))
                return None
            keys_seen: dict[tuple, int] = {}
            for line, raw in enumerate(reader, start=2):
                values, row_ok = {}, True
                for column in spec.columns:
                    cell = raw.get(column.name)
                    if cell is None or not cell.strip():
                        if column.required:
                            problems.append(Problem(spec.file, line, column.name, "empty"))
                            row_ok = False
                        values[column.name] = column.default
                        continue
                    try:
                        values[column.name] = column.read(cell)
                    except ValueError as exc:
                        problems.append(Problem(spec.file, line, column.name, str(exc)))
                        row_ok = False
                for reference in spec.references:
                    values[reference.column] = (raw.get(reference.column) or "").strip()
                if row_ok and spec.check:
                    for column_name, why in spec.check(values):
                        problems.append(Problem(spec.file, line, column_name, why))
                        row_ok = False
                if not row_ok:
                    continue
                key = tuple(values[k] for k in spec.key)
                if key in keys_seen:
                    problems.append(
                        Problem(spec.file, line, ", ".join(spec.key), f"same key as line {keys_seen[key]}")
                    )
                    continue
                keys_seen[key] = line
                parsed.rows.append((line, values))
    except (UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(spec.file, why=f"not a readable UTF-8 CSV file ({exc})"))
        return None
    if spec.check_file and not any(p.file == spec.file for p in problems):  # rows first, then the whole
        problems.extend(Problem(spec.file, why=why) for why in spec.check_file([v for _, v in parsed.rows]))
    if spec.order:
        parsed.rows.sort(key=lambda item: spec.order(item[1]))
    return parsed


def _field_values(spec: FileSpec, values: dict) -> dict:
    return {c.target: values[c.name] for c in spec.columns if c.target}


def _write(parsed: _Parsed, problems: list[Problem]) -> LoadReport:
    spec = parsed.spec
    report = LoadReport(label=spec.label)
    key_fields = [next(c.target for c in spec.columns if c.name == k) for k in spec.key]
    existing = {tuple(getattr(obj, f) for f in key_fields): obj for obj in spec.model.objects.all()}
    lookups: dict[Reference, dict] = {
        ref: {getattr(o, ref.to_field): o for o in ref.model.objects.all()} for ref in spec.references
    }
    for line, values in parsed.rows:
        fields = _field_values(spec, values)
        unknown = False
        for reference in spec.references:
            code = values[reference.column]
            target = lookups[reference].get(code) if code else None
            if code and target is None:
                problems.append(Problem(spec.file, line, reference.column, f"{code!r} is not known"))
                unknown = True
            fields[reference.field] = target
        if unknown:  # reported; the whole pack is rolled back, so nothing half-linked is written
            continue
        key = tuple(fields[f] for f in key_fields)
        obj = existing.get(key)
        if obj is None:
            obj = spec.model.objects.create(**fields)
            existing[key] = obj
            report.created += 1
        elif any(getattr(obj, f) != v for f, v in fields.items()):
            for f, v in fields.items():
                setattr(obj, f, v)
            obj.save()
            report.updated += 1
        else:
            report.unchanged += 1
        for reference in spec.references:
            if reference.model is spec.model:
                lookups[reference][getattr(obj, reference.to_field)] = obj
    return report


def pack_load(*, pack_dir: Path, specs: Iterable[FileSpec]) -> list[LoadReport]:
    """Load every file of the pack, all or nothing; raise CityPackError naming every problem."""
    pack_dir = Path(pack_dir)
    problems: list[Problem] = []
    if not pack_dir.is_dir():
        raise CityPackError([Problem(str(pack_dir), why="pack folder not found")])
    parsed = [p for spec in specs if (p := _read(spec, pack_dir, problems)) is not None]
    if problems:
        raise CityPackError(problems)
    with transaction.atomic():
        reports = [_write(p, problems) for p in parsed]
        if problems:  # a reference to a row that does not exist: undo the whole pack
            raise CityPackError(problems)
    return reports
