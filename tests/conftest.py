"""Shared fixtures: paths to ../shared and the example articles, and one pipeline per session."""
from __future__ import annotations

import signal
from pathlib import Path

import pytest

# A test run started in the background by a non-interactive shell (`make test &`, nohup, a CI
# script) inherits SIGINT ignored, and so would every kg process the tests start: the Ctrl-C
# tests then see a build that cannot be interrupted. Give SIGINT back its default, as a terminal does.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_04c2008ada7c6151.txt"
EXAMPLES = ROOT / "examples" / "articles"


@pytest.fixture(scope="session")
def pipeline():
    """The default pipeline, built once (jieba and the lexicon load once)."""
    from kg.api import default_pipeline

    return default_pipeline()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip("../shared/seeds is absent")
    return SEED


@pytest.fixture(scope="session")
def seed_result(seed_path):
    """The seed article built once per session."""
    from kg.api import build

    return build([seed_path])


@pytest.fixture()
def deny_read(monkeypatch):
    """Make reading the given files fail as chmod 000 would (it does not stop root, as in CI)."""
    def deny(*paths: Path) -> None:
        real, locked = Path.read_bytes, set(paths)

        def read_bytes(self):
            if self in locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return deny
