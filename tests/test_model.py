"""The call-id encoding and the night-call rule shared by loader, detection and erasure."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from graph_schema.model import (
    CALL_SECONDS_BITS,
    CALL_SECONDS_MAX,
    encode_call_id,
    is_night_call_id,
    is_night_epoch,
)

SHANGHAI = timezone(timedelta(hours=8))


def test_encode_call_id_keeps_minute_and_duration() -> None:
    start = int(datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI).timestamp())

    call_id = encode_call_id(start, 47)

    assert call_id & CALL_SECONDS_MAX == 47
    assert call_id >> CALL_SECONDS_BITS == start // 60


def test_encode_call_id_same_minute_same_id() -> None:
    start = int(datetime(2026, 9, 28, 19, 52, 0, tzinfo=SHANGHAI).timestamp())

    assert encode_call_id(start, 47) == encode_call_id(start + 59, 47)


@pytest.mark.parametrize(
    ("hour", "minute", "night"),
    [(21, 59, False), (22, 0, True), (23, 30, True), (0, 0, True), (5, 59, True), (6, 0, False)],
)
def test_is_night_epoch_window_in_shanghai_time(hour: int, minute: int, night: bool) -> None:
    start = int(datetime(2026, 9, 28, hour, minute, tzinfo=SHANGHAI).timestamp())

    assert is_night_epoch(start) is night
    assert is_night_call_id(encode_call_id(start, 30)) is night
