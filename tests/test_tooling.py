"""The project's own checks run as tests, so that the one test command covers them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


# ruff is in the test extra: run from this interpreter, never skipped (``shutil.which("ruff")`` found no ruff,
# and both tests were skipped, whenever the virtual environment's bin was not on PATH).
def test_ruff_is_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_core_imports_no_shell_library() -> None:
    """Functional core, imperative shell: the measures and the engine run without rich, typer or openpyxl."""
    code = (
        "import sys; import tongnan_calc.core.engine, tongnan_calc.rules.load, tongnan_calc.rules.scenarios;"
        "bad = [m for m in ('rich', 'typer', 'openpyxl', 'python_calamine') if m in sys.modules];"
        "print(','.join(bad))"
    )
    result = _run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
