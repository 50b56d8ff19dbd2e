"""The log file: in the user's log folder (CLAIMDESK_LOG_DIR in tests), rotating, never fatal."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdesk.core import logs
from claimdesk.core.paths import user_log_dir


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    """The claimdesk logger, with whatever handlers a test adds removed afterwards."""
    logger = logging.getLogger(logs.LOGGER)
    before = list(logger.handlers)
    yield logger
    for handler in logger.handlers:
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()


def test_the_log_goes_to_the_user_log_folder(logger: logging.Logger) -> None:
    path = logs.configure_logging("claimdesk-test")
    assert path == user_log_dir() / "claimdesk-test.log"
    logging.getLogger("claimdesk.core.example").warning("a line for the log")
    assert "WARNING claimdesk.core.example: a line for the log" in path.read_text("utf-8")


def test_configuring_twice_adds_no_second_handler(logger: logging.Logger) -> None:
    path = logs.configure_logging("claimdesk-test")
    assert logs.configure_logging("claimdesk-test") == path
    logging.getLogger("claimdesk").warning("once")
    assert path.read_text("utf-8").count("once") == 1


def test_the_log_rotates_at_one_megabyte_and_keeps_three_old_files(
    logger: logging.Logger,
) -> None:
    path = logs.configure_logging("claimdesk-test")
    assert path is not None
    line = "x" * 1000
    for _ in range(5_000):  # 5 MB: more than the file and its three predecessors hold
        logging.getLogger("claimdesk").info(line)
    folder = path.parent
    assert sorted(p.name for p in folder.iterdir()) == [
        "claimdesk-test.log",
        "claimdesk-test.log.1",
        "claimdesk-test.log.2",
        "claimdesk-test.log.3",
    ]
    for file in folder.iterdir():
        assert file.stat().st_size <= logs.MAX_BYTES


def test_a_log_folder_that_cannot_be_made_is_no_reason_to_fail(
    logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLAIMDESK_LOG_DIR", str(blocker / "logs"))
    assert logs.configure_logging("claimdesk-test") is None
    try:
        raise RuntimeError("planted")
    except RuntimeError:
        logging.getLogger("claimdesk").exception("nowhere to go")
    assert "Traceback" not in capsys.readouterr().err  # not Python's last-resort handler
