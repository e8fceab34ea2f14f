"""JSON log lines: one object per line with time, level, logger, message and process, whatever
the message holds; text stays the default."""

import json
import logging
import os
import sys

from streams import processes as logs


def line(msg: str, *args, exc_info=None, name: str = "kuota.worker", level: int = logging.WARNING) -> str:
    record = logging.LogRecord(name, level, __file__, 1, msg, args, exc_info)
    return logs.JsonFormatter().format(record)


def test_a_record_is_one_json_object_with_time_level_logger_message_and_process():
    text = line("booked %d of %s", 4000, "kuota.purchases.v1")
    doc = json.loads(text)
    assert set(doc) == {"time", "level", "logger", "message", "process"}
    assert (doc["level"], doc["logger"], doc["message"], doc["process"]) == (
        "WARNING", "kuota.worker", "booked 4000 of kuota.purchases.v1", os.getpid())
    assert doc["time"].endswith("+00:00") and "T" in doc["time"]


def test_hostile_text_in_a_message_still_makes_one_valid_line():
    hostile = "INV\u0000 7\nsecond line \ud800 \u202e"  # NUL, newline, lone surrogate, right-to-left mark
    text = line("rejected %s", hostile)
    assert "\n" not in text and text.isascii()
    assert json.loads(text)["message"] == f"rejected {hostile}"


def test_an_exception_travels_inside_the_object():
    try:
        raise RuntimeError("database went away")
    except RuntimeError:
        text = line("unexpected error while booking", exc_info=sys.exc_info())
    assert "\n" not in text
    doc = json.loads(text)
    assert "RuntimeError: database went away" in doc["exception"] and doc["message"].startswith("unexpected")


def test_text_keeps_each_process_s_own_format_and_json_sends_everything_through_one_handler():
    assert logs.log_config("text", "info") is None
    document = logs.log_config("json", "debug")
    assert document["root"] == {"level": "DEBUG", "handlers": ["default"]}
    assert document["formatters"]["json"]["()"] is logs.JsonFormatter
    assert all(spec == {"handlers": [], "propagate": True} for spec in document["loggers"].values())
