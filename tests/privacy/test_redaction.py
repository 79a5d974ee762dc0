"""Redaction: the one logging filter and the one serializer path, unit by unit and end to end.

The end-to-end test runs the demo and loads a generated data set through the CLI, runs
detection, asks the API about every applicant, and then searches the logs (raw records and
what the redacting handler writes), the CLI output, the API responses and a full export of
Neo4j for every clear number in the inputs and for every secret. Failure messages give
counts only.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from api.app import create_app
from api.keys import create_api_key
from generator import generate_population
from queries.rings import detect_rings
from ringscope.cli import main
from ringscope.db import Database
from ringscope.demo import free_loopback_port, run_demo
from ringscope.logging_setup import RedactingFilter, redact, redact_data
from ringscope.pseudonym import PseudonymKey

EXPORT = """
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS properties
UNION ALL
MATCH ()-[r]->()
RETURN [type(r)] AS labels, properties(r) AS properties
"""
# Numbers shorter than this are public service numbers (10086, 95588); as digits they also
# occur by chance in counts and call ids, so they are searched only as whole string values.
SHORT_NUMBER_DIGITS = 7
OWN_PACKAGES = frozenset({"ringscope", "loader", "queries", "api", "graph_schema", "generator"})
_DIGIT_RUN = re.compile(r"\d+")


# --- unit tests of redact, redact_data and the filter ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "call 13912345678 ended",
        "+86 139-1234-5678",
        "peer=008613912345678",
        "landline 00866632718281",
        "landline 06632718281",
        "landline 0663-2718281",
        "ip dial 1795113912345678",
        "call centre 4008123456",
        "id 11010519491231002X",
        "id 110105194912310021",
    ],
)
def test_redact_masks_number_shapes(text: str) -> None:
    digits = max(_DIGIT_RUN.findall(text.replace("-", "").replace(" ", "")), key=len)

    assert digits not in redact(text).replace("-", "").replace(" ", "")


@pytest.mark.parametrize(
    "text",
    [
        "password=hunter2hunter2",
        'password: "hunter2hunter2"',
        '{"api_key": "hunter2hunter2"}',
        "Authorization: Bearer hunter2hunter2",
        "token=hunter2hunter2",
        "issued rsk_hunter2hunter2",
    ],
)
def test_redact_masks_secrets(text: str) -> None:
    assert "hunter2hunter2" not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "rows_read=9834 rows_loaded=9830",
        "batch_id=b-1234567890abcdef1234 key_id=k-0123456789ab",
        "phone_id=" + "ab13912345678cd" * 4,
        "party P000123 consent C-P000123 at 2026-09-28T19:52:40+08:00",
        "service 10086 and 95588",
    ],
)
def test_redact_keeps_counts_ids_and_pseudonyms(text: str) -> None:
    assert redact(text) == text


def test_redact_data_masks_strings_and_long_integers_only() -> None:
    data = {"13912345678": ["0663-2718281", 42, 13912345678, True, None], "calls": 999}

    assert redact_data(data) == {
        "139****78": ["066****81", 42, "139****78", True, None],
        "calls": 999,
    }


def test_redacting_filter_masks_message_arguments_and_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.privacy.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("peer %s", "13912345678")
        try:
            raise ValueError("bad value 06632718281")
        except ValueError:
            logger.exception("failed for %s", "password=hunter2hunter2")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    text = stream.getvalue()

    assert "13912345678" not in text
    assert "06632718281" not in text
    assert "hunter2hunter2" not in text
    assert "ValueError" in text


# --- end to end -----------------------------------------------------------------------


def _clear_numbers(folder: Path) -> set[str]:
    """Every number in the generated files, canonical and as the bills write it."""
    numbers: set[str] = set()
    for name, columns in (
        ("parties.csv", ("phone",)),
        ("contacts.csv", ("phone",)),
        ("edges.csv", ("caller", "callee")),
    ):
        with (folder / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                numbers.update(row[column] for column in columns if row[column])
    for bill in (folder / "calls").glob("*.csv"):
        raw = bill.read_bytes()
        text = raw.decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else _decode(raw)
        for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
            numbers.add(row["对方号码"])
    return numbers


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gbk")


def _with_prefixes(numbers: set[str]) -> set[str]:
    """Add the +86 and 0086 forms (without a landline's trunk zero) of long numbers."""
    forms = set(numbers)
    for number in numbers:
        if len(number) >= SHORT_NUMBER_DIGITS:
            national = number[1:] if number.startswith("0") else number
            forms.update({"86" + national, "0086" + national})
    return forms


def _digit_runs(text: str) -> set[str]:
    return set(_DIGIT_RUN.findall(text))


def _string_values(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _string_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _string_values(item)


def _leaks(texts: list[str], values: list[str], numbers: set[str], secrets: list[str]) -> int:
    long_numbers = {number for number in numbers if len(number) >= SHORT_NUMBER_DIGITS}
    short_numbers = numbers - long_numbers
    runs: set[str] = set()
    for text in texts:
        runs |= _digit_runs(text)
    leaked = len(long_numbers & runs)
    leaked += len(short_numbers & set(values))
    leaked += sum(1 for secret in secrets for text in texts if secret in text)
    return leaked


@contextmanager
def _api() -> Iterator[httpx.Client]:
    port = free_loopback_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="info")
    )
    thread = threading.Thread(target=server.run, name="redaction-test-api", daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the API did not start"
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_redaction_demo_and_generated_data_leak_nothing(
    db: Database,
    pseudonym_key: PseudonymKey,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    handled = io.StringIO()
    handler = logging.StreamHandler(handled)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactingFilter())
    logging.getLogger().addHandler(handler)
    monkeypatch.setenv("RINGSCOPE_LANG", "en")
    folder = tmp_path / "generated"
    generate_population(
        folder, seed=5, applicants=20, months=1, calls_per_applicant=10, cmcc_fraction=0.5
    )
    outputs: list[str] = []
    responses: list[str] = []
    response_values: list[str] = []

    try:
        figures = run_demo(echo=outputs.append)
        outputs.append(json.dumps(figures, ensure_ascii=False, default=str))
        runner = CliRunner()
        for kind in ("parties", "contacts", "loans", "consents"):
            result = runner.invoke(
                main, ["-v", "load", kind, str(folder / f"{kind}.csv"), "--json"]
            )
            outputs.append(result.output)
        result = runner.invoke(main, ["-v", "load", "manifest", str(folder / "manifest.json")])
        outputs.append(result.output)
        detect_rings(db)
        api_key = create_api_key(db, "loan_system", label="redaction test")
        headers = {"Authorization": f"Bearer {api_key}", "Accept-Language": "en"}
        with (folder / "consents.csv").open(encoding="utf-8") as handle:
            parties = [row["party_id"] for row in csv.DictReader(handle)]
        with _api() as client:
            requests = [
                {"party_id": party, "consent_id": f"C-{party}", "purpose": "credit_review"}
                for party in parties
            ]
            some_number = next(iter(_clear_numbers(folder) - {""}))
            requests.append({"party_id": some_number, "consent_id": "C-" + some_number})
            requests.append({"party_id": "P000001", "consent_id": "C-P000001", "x": some_number})
            for body in requests:
                response = client.post("/v1/linkage", json=body, headers=headers)
                responses.append(response.text)
                response_values.extend(_string_values(response.json()))
    finally:
        logging.getLogger().removeHandler(handler)

    export_rows = db.read(EXPORT)
    export = json.dumps(export_rows, ensure_ascii=False, default=str)
    export_values = [value for row in export_rows for value in _string_values(row)]
    numbers = _with_prefixes(_clear_numbers(folder))
    secrets = [
        os.environ["RINGSCOPE_PSEUDONYM_KEY"],
        os.environ["RINGSCOPE_NEO4J_PASSWORD"],
        api_key,
    ]
    statuses = [json.loads(text).get("status") for text in responses]
    numbers_found = len(numbers)

    # Counts only, computed first, so that a failure message cannot show a number or secret.
    leaked_to_handler = _leaks([handled.getvalue()], [], numbers, secrets)
    # Our own modules must not even try to log a number. Third-party debug logs (the
    # driver logs query parameters, such as an id a client sent) rely on the filter.
    own_records = [
        caplog.handler.format(record)
        for record in caplog.records
        if record.name.split(".")[0] in OWN_PACKAGES
    ]
    leaked_to_records = _leaks(own_records, [], numbers, secrets)
    leaked_to_output = _leaks(outputs, [], numbers, secrets)
    leaked_to_api = _leaks(responses, response_values, numbers, secrets)
    leaked_to_graph = _leaks([export], export_values, numbers, secrets)
    numbers.clear()
    secrets.clear()

    assert numbers_found > 300
    assert figures["linkage_status"] == 200
    assert any(status is None for status in statuses)  # some applicants got a 200 response
    assert leaked_to_handler == 0
    assert leaked_to_records == 0
    assert leaked_to_output == 0
    assert leaked_to_api == 0
    assert leaked_to_graph == 0
