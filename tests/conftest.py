"""Every test runs with its own empty user configuration and no $TONGNAN_LEDGER.

The configured ledger (``ledger init``) is found through $XDG_CONFIG_HOME: a test never reads or
writes the real user's configuration, and a developer's own ledger never leaks into a test.  The
session-wide setting covers module-scoped fixtures too; each test then gets a fresh one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def no_user_configuration(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("session-config-home")))
        patch.delenv("TONGNAN_LEDGER", raising=False)
        yield


@pytest.fixture(autouse=True)
def own_configuration(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    config_home = tmp_path_factory.mktemp("config-home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    monkeypatch.delenv("TONGNAN_LEDGER", raising=False)
    return config_home
