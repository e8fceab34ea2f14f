"""No database password, SASL password or API key reaches a log line: every record is masked as it
is made, in its message, its arguments and its exception text, whatever handlers are set up later."""

import io
import json
import logging
import logging.config

import pytest

from ledger.db import shown
from streams import processes
from streams.processes import JsonFormatter, SecretFilter, mask, mask_logs

URL = "postgresql+psycopg://kuota:Rahasia-123@db.example:5432/kuota"
KEY = "kuota_0123456789ab_" + "S" * 43


@pytest.fixture
def fresh_factory(monkeypatch):
    """mask_logs changes the process's record factory: put the original back afterwards."""
    original = logging.getLogRecordFactory()
    monkeypatch.setattr(processes, "_filter", None)
    yield
    logging.setLogRecordFactory(original)


def record(msg, args=(), exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("kuota.test", logging.WARNING, __file__, 1, msg, args, exc_info)


def filtered(msg, args=(), exc_info=None, secrets=("sasl-Pw9",)) -> str:
    rec = record(msg, args, exc_info)
    assert SecretFilter(secrets).filter(rec) is True  # masked, never dropped
    return logging.Formatter("%(message)s").format(rec)


def test_the_password_of_a_url_is_masked_and_the_rest_kept():
    assert mask(f"ledger {URL} ready") == "ledger postgresql+psycopg://kuota:***@db.example:5432/kuota ready"
    assert mask("amqp://guest:guest@mq/ and redis://:tok@cache:6379/0") == (
        "amqp://guest:***@mq/ and redis://:***@cache:6379/0")


def test_text_without_secrets_is_unchanged():
    for text in ("sqlite:////var/lib/kuota/kuota.db", "postgresql://kuota@db/kuota", "http://127.0.0.1:8000/api/v1",
                 "booked 4000 of kuota.purchases.v1 at 10:15:03", "kuota_admin is a name, not a key"):
        assert mask(text) == text


def test_a_password_parameter_an_api_key_a_bearer_token_and_the_configured_secret_are_masked():
    assert mask("postgresql://db/kuota?sslmode=require&password=abc") == (
        "postgresql://db/kuota?sslmode=require&password=***")
    assert mask(f"refused {KEY}") == "refused kuota_0123456789ab_***"  # the key id stays, to tell which key
    assert mask("Authorization: Bearer abc.def") == "Authorization: Bearer ***"
    assert mask("SASL login as kuota with sasl-Pw9 failed", ("sasl-Pw9",)) == "SASL login as kuota with *** failed"


def test_the_message_and_its_arguments_are_masked():
    assert filtered(f"worker ledger {URL}") == "worker ledger postgresql+psycopg://kuota:***@db.example:5432/kuota"
    assert filtered("ledger %s, broker %s", (URL, "kafka:9092")) == (
        "ledger postgresql+psycopg://kuota:***@db.example:5432/kuota, broker kafka:9092")
    assert filtered("%(url)s as %(user)s", ({"url": URL, "user": "kuota"},)) == (
        "postgresql+psycopg://kuota:***@db.example:5432/kuota as kuota")
    assert "sasl-Pw9" not in filtered("password %r", ("sasl-Pw9",))


def test_arguments_keep_their_types_so_formats_still_apply():
    rec = record("%d records in %.1f s from %s (%r)", (4000, 0.25, "kafka:9092", None))
    SecretFilter().filter(rec)
    assert rec.args == (4000, 0.25, "kafka:9092", None)
    assert rec.getMessage() == "4000 records in 0.2 s from kafka:9092 (None)"


def test_an_object_whose_text_holds_a_secret_is_replaced_by_its_masked_text():
    class Engine:
        def __str__(self):
            return f"Engine({URL})"

    assert filtered("using %s", (Engine(),)) == "using Engine(postgresql+psycopg://kuota:***@db.example:5432/kuota)"


def raised(message: str):
    try:
        raise ConnectionError(message)
    except ConnectionError as exc:
        return type(exc), exc, exc.__traceback__


def test_the_exception_text_is_masked_in_text_and_json_lines():
    info = raised(f"could not reach {URL} as kuota with sasl-Pw9")
    text = filtered("booking failed", exc_info=info)
    assert "Rahasia-123" not in text and "sasl-Pw9" not in text
    assert "ConnectionError: could not reach postgresql+psycopg://kuota:***@db.example" in text
    rec = record("booking failed", exc_info=info)
    SecretFilter(("sasl-Pw9",)).filter(rec)
    doc = json.loads(JsonFormatter().format(rec))
    assert "Rahasia-123" not in doc["exception"] and "kuota:***@" in doc["exception"]


def test_an_exception_without_secrets_is_left_to_the_handler_to_format():
    rec = record("booking failed", exc_info=raised("connection refused"))
    SecretFilter().filter(rec)
    assert rec.exc_text is None


def test_mask_logs_masks_every_record_of_the_process_even_after_handlers_are_replaced(fresh_factory):
    mask_logs(("sasl-Pw9",))
    out = io.StringIO()
    # As Faust or uvicorn do after kuota started: a logging setup of their own, from scratch.
    logging.config.dictConfig({"version": 1, "disable_existing_loggers": False,
                               "handlers": {"out": {"class": "logging.StreamHandler", "stream": out}},
                               "loggers": {"kuota.test": {"handlers": ["out"], "level": "INFO", "propagate": False}}})
    log = logging.getLogger("kuota.test")
    try:
        log.info("ledger %s", URL)
        log.warning("sasl password sasl-Pw9 refused; key %s", KEY)
        try:
            raise RuntimeError(f"lost {URL}")
        except RuntimeError:
            log.exception("worker stopped")
    finally:
        log.handlers.clear()
    written = out.getvalue()
    assert "Rahasia-123" not in written and "sasl-Pw9" not in written and "S" * 43 not in written
    assert "postgresql+psycopg://kuota:***@db.example" in written and "RuntimeError: lost" in written


def test_mask_logs_again_adds_secrets_without_stacking_filters(fresh_factory):
    first = mask_logs(("one-Secret",))
    factory = logging.getLogRecordFactory()
    assert mask_logs(("two-Secret", "")) is first and logging.getLogRecordFactory() is factory
    assert first.mask("one-Secret two-Secret") == "*** ***"


def test_setup_logging_masks_too(fresh_factory, monkeypatch):
    monkeypatch.setattr(logging, "basicConfig", lambda **kwargs: None)  # the test's own logging stays as it is
    processes.setup_logging("text", "info")
    rec = logging.getLogRecordFactory()("kuota.test", logging.INFO, __file__, 1, "ledger %s", (URL,), None)
    assert rec.getMessage() == "ledger postgresql+psycopg://kuota:***@db.example:5432/kuota"


def test_the_database_layer_shows_urls_masked_the_same_way():
    assert shown(URL) == mask(URL)
    assert shown("postgresql://db/kuota?password=abc") == "postgresql://db/kuota?password=***"


def test_the_placeholder_of_kuotas_own_examples_is_left_readable():
    example = "set e.g. KUOTA_DATABASE_URL=postgresql+psycopg://user:password@127.0.0.1:5432/kuota"
    assert mask(example) == example
    assert mask("postgresql://user:password1@db/kuota") == "postgresql://user:***@db/kuota"
    assert mask("postgresql://kuota:password@db/kuota") == "postgresql://kuota:***@db/kuota"
