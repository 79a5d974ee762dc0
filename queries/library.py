"""The named query library (``queries/cypher/*.cypher``) and the runner for ad-hoc Cypher.

Each ``.cypher`` file opens with a header of ``//`` comment lines::

    // name: shared_contacts
    // purpose.zh-CN: 两个当事人共同的通话联系人
    // purpose.en: Phones that both parties talked to
    // param party_a (string): 第一个当事人 | the first party
    // param limit (int, default 50): 最多返回行数 | maximum rows
    // column contact (string): 联系人号码（掩码） | the contact, masked
    // injected valid_consents (list): 当前有效的授权 | consents valid now

Labels, relationship types and the call-id constant are written as ``%NAME%`` and replaced
by the values of :mod:`graph_schema.model`, so a file cannot use a label the model does not
define. ``$valid_consents`` and ``$now`` are supplied by the runner, never by the user.

Every run is a READ transaction, so a query cannot write, and appends an audit event with
the actor, the query, its parameters (redacted) and the declared purpose.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ClientError, CypherSyntaxError, Neo4jError

import queries.ring_messages  # noqa: F401  (registers the query messages)
from graph_schema import model
from queries.rings import get_valid_consents
from ringscope.audit import append_audit_event
from ringscope.db import Database
from ringscope.errors import NotFoundError, QueryError
from ringscope.logging_setup import redact

logger = logging.getLogger(__name__)

QUERY_DIR = Path(__file__).resolve().parent / "cypher"
PARAM_TYPES = ("string", "int", "float", "bool", "date", "datetime", "list")
INJECTED = ("valid_consents", "now")
DEFAULT_MAX_ROWS = 1_000
# The server's code for "this statement tried to write in a READ transaction"; schema
# commands and write procedures get it too.
WRITE_REFUSED_CODE = "Neo.ClientError.Statement.AccessMode"

_HEADER = re.compile(r"^//\s?(.*)$")
_PARAM = re.compile(
    r"^(param|injected)\s+(\w+)\s+\((\w+)(?:,\s*default\s+(.+?))?\):\s*(.+?)\s*\|\s*(.+)$"
)
_COLUMN = re.compile(r"^column\s+(\w+)\s+\((\w+)\):\s*(.+?)\s*\|\s*(.+)$")
_PLACEHOLDER = re.compile(r"%([A-Z_]+)%")


@dataclass(frozen=True, slots=True)
class QueryParam:
    name: str
    type: str
    description: dict[str, str]
    default: str | None = None
    injected: bool = False

    @property
    def required(self) -> bool:
        return self.default is None and not self.injected


@dataclass(frozen=True, slots=True)
class QueryColumn:
    name: str
    type: str
    description: dict[str, str]


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    purpose: dict[str, str]
    params: tuple[QueryParam, ...]
    columns: tuple[QueryColumn, ...]
    text: str  # the Cypher with model names filled in
    path: Path

    def param(self, name: str) -> QueryParam | None:
        return next((param for param in self.params if param.name == name), None)


@dataclass(slots=True)
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False
    audit_seq: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


def _model_constants() -> dict[str, str]:
    names = {
        name: value
        for name, value in vars(model).items()
        if name.isupper() and isinstance(value, str)
    }
    names["CALL_SECONDS_MOD"] = str(1 << model.CALL_SECONDS_BITS)
    return names


def parse_query(text: str, path: Path) -> NamedQuery:
    """Parse one query file.

    Raises:
        QueryError: the header lacks a name, a purpose in both languages or a column, a
            header line is malformed, or the body uses an unknown ``%NAME%``.
    """
    header: list[str] = []
    body_start = 0
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _HEADER.match(line.strip())
        if not match:
            body_start = index
            break
        header.append(match.group(1).strip())
    else:
        body_start = len(lines)

    name = ""
    purpose: dict[str, str] = {}
    params: list[QueryParam] = []
    columns: list[QueryColumn] = []
    for line in header:
        if not line:
            continue
        if line.startswith("name:"):
            name = line.removeprefix("name:").strip()
        elif line.startswith("purpose."):
            language, _, value = line.removeprefix("purpose.").partition(":")
            purpose[language.strip()] = value.strip()
        elif param := _PARAM.match(line):
            kind, pname, ptype, default, zh, en = param.groups()
            if ptype not in PARAM_TYPES:
                raise QueryError("query.header_invalid", file=path.name, line=line)
            params.append(
                QueryParam(
                    name=pname,
                    type=ptype,
                    description={"zh-CN": zh, "en": en},
                    default=None if default is None else default.strip().strip('"'),
                    injected=kind == "injected",
                )
            )
        elif column := _COLUMN.match(line):
            cname, ctype, zh, en = column.groups()
            columns.append(QueryColumn(cname, ctype, {"zh-CN": zh, "en": en}))
        else:
            raise QueryError("query.header_invalid", file=path.name, line=line)
    if not name or set(purpose) != {"zh-CN", "en"} or not columns:
        raise QueryError("query.header_incomplete", file=path.name)

    constants = _model_constants()
    unknown = sorted({m for m in _PLACEHOLDER.findall(text) if m not in constants})
    if unknown:
        raise QueryError("query.unknown_name", file=path.name, names=", ".join(unknown))
    body = "\n".join(lines[body_start:]).strip()
    body = _PLACEHOLDER.sub(lambda m: constants[m.group(1)], body)
    return NamedQuery(name, purpose, tuple(params), tuple(columns), body, path)


@cache
def load_library(directory: Path = QUERY_DIR) -> dict[str, NamedQuery]:
    """Return every named query of ``directory`` by name (parsed once per process)."""
    found: dict[str, NamedQuery] = {}
    for path in sorted(directory.glob("*.cypher")):
        query = parse_query(path.read_text(encoding="utf-8"), path)
        found[query.name] = query
    return found


def list_queries() -> list[NamedQuery]:
    return sorted(load_library().values(), key=lambda query: query.name)


def get_query(name: str) -> NamedQuery:
    """Return the named query.

    Raises:
        NotFoundError: no query has this name (the message lists the names there are).
    """
    library = load_library()
    if name not in library:
        raise NotFoundError("query.not_found", name=name, names=", ".join(sorted(library)))
    return library[name]


def coerce_params(query: NamedQuery, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Turn user parameters (often strings from the CLI) into the declared types.

    Raises:
        QueryError: listing every unknown, missing or invalid parameter at once.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name in sorted(raw):
        param = query.param(name)
        if param is None or param.injected:
            problems.append(f"{name}: unknown")
    for param in query.params:
        if param.injected:
            continue
        if param.name in raw:
            value: Any = raw[param.name]
        elif param.default is not None:
            value = param.default
        else:
            problems.append(f"{param.name}: missing ({param.type})")
            continue
        try:
            values[param.name] = _convert(value, param.type)
        except ValueError:
            problems.append(f"{param.name}: not a {param.type}: {redact(str(value))[:40]}")
    if problems:
        raise QueryError("query.params_invalid", name=query.name, problems="; ".join(problems))
    return values


def _convert(value: Any, kind: str) -> Any:
    if kind == "list":
        if isinstance(value, (list, tuple)):
            return list(value)
        text = str(value).strip()
        return [item.strip() for item in text.split(",") if item.strip()] if text else []
    if not isinstance(value, str):
        if kind == "int" and isinstance(value, bool):
            raise ValueError(kind)
        return {"int": int, "float": float, "bool": bool}.get(kind, str)(value)
    text = value.strip()
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise ValueError(text)
    if kind == "date":
        return date.fromisoformat(text).isoformat()
    if kind == "datetime":
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            # Call records are Asia/Shanghai time; a bare time means that zone.
            return parsed.isoformat() + "+08:00"
        return parsed.isoformat()
    if text == "" and kind == "string":
        return ""
    return text


def run_named_query(
    db: Database,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    actor: str,
    purpose: str,
    at: datetime | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> QueryResult:
    """Run a named query in a READ transaction and record it in the audit trail.

    Raises:
        NotFoundError: unknown query name.
        QueryError: invalid parameters, or the server refused the statement.
    """
    query = get_query(name)
    values = coerce_params(query, params or {})
    moment = at or datetime.now(UTC)
    injected: dict[str, Any] = {}
    if "$valid_consents" in query.text:
        injected["valid_consents"] = get_valid_consents(db, moment)
    if "$now" in query.text:
        injected["now"] = moment.isoformat()

    result = _run_read(db, query.text, {**values, **injected}, max_rows, name)
    event = append_audit_event(
        db,
        actor=actor,
        action="query.run",
        purpose=purpose,
        target=name,
        details={"params": redact_params(values), "rows": len(result.rows)},
    )
    result.audit_seq = event["seq"]
    result.parameters = values
    if not result.columns:
        result.columns = [column.name for column in query.columns]
    logger.info("named query run name=%s rows=%d", name, len(result.rows))
    return result


def run_cypher(
    db: Database,
    text: str,
    params: Mapping[str, Any] | None = None,
    *,
    actor: str,
    purpose: str,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> QueryResult:
    """Run ad-hoc Cypher in a READ transaction; the server refuses any write.

    The audit event is appended whether the statement ran or was refused.

    Raises:
        QueryError: the statement tried to write, is invalid, or failed on the server.
    """
    values = dict(params or {})
    details = {"cypher": text[:2000], "params": redact_params(values)}
    try:
        result = _run_read(db, text, values, max_rows, "cypher")
    except QueryError as err:
        append_audit_event(
            db,
            actor=actor,
            action="cypher.run",
            purpose=purpose,
            target="cypher",
            outcome=err.code,
            details={**details, "refused": err.message_key},
        )
        raise
    event = append_audit_event(
        db,
        actor=actor,
        action="cypher.run",
        purpose=purpose,
        target="cypher",
        details={**details, "rows": len(result.rows)},
    )
    result.audit_seq = event["seq"]
    result.parameters = values
    return result


def redact_params(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the parameters with anything that looks like a number or secret masked."""
    redacted: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list):
            redacted[name] = [redact(str(item)) for item in value]
        else:
            redacted[name] = redact(str(value))
    return redacted


def _run_read(
    db: Database, text: str, params: dict[str, Any], max_rows: int, name: str
) -> QueryResult:
    def work(tx: ManagedTransaction) -> QueryResult:
        result = tx.run(text, params)
        columns = list(result.keys())
        rows: list[dict[str, Any]] = []
        truncated = False
        for record in result:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append(record.data())
        result.consume()
        return QueryResult(columns=columns, rows=rows, truncated=truncated)

    try:
        return db.execute_read(work)
    except ClientError as err:
        code = err.code or ""
        if code == WRITE_REFUSED_CODE:
            raise QueryError("query.write_refused", name=name) from err
        if isinstance(err, CypherSyntaxError) or code.startswith("Neo.ClientError.Statement"):
            raise QueryError(
                "query.cypher_invalid", name=name, error=redact(_first_line(err.message))
            ) from err
        raise QueryError("query.failed", name=name, error=redact(_first_line(err.message))) from err
    except Neo4jError as err:
        raise QueryError("query.failed", name=name, error=redact(_first_line(err.message))) from err


def _first_line(message: str | None) -> str:
    return (message or "").strip().splitlines()[0][:300] if message else ""
