"""The source type-checks: mypy over src/ (configured in pyproject.toml) and over bench/ finds nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_no_type_errors_in_src() -> None:
    mypy = Path(sys.executable).parent / "mypy"
    if not mypy.exists() and shutil.which("mypy") is None:
        pytest.skip("mypy is not installed (it comes with the test extras: pip install -e '.[test]')")
    result = subprocess.run(
        [str(mypy) if mypy.exists() else "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_no_type_errors_in_the_benchmarks() -> None:
    mypy = Path(sys.executable).parent / "mypy"
    if not mypy.exists() and shutil.which("mypy") is None:
        pytest.skip("mypy is not installed (it comes with the test extras: pip install -e '.[test]')")
    bench = ROOT / "bench"
    scripts = sorted(str(path.name) for path in bench.glob("*.py"))
    result = subprocess.run(
        [
            str(mypy) if mypy.exists() else "mypy",
            "--no-error-summary",
            "--ignore-missing-imports",
            "--check-untyped-defs",
        ]
        + scripts,
        cwd=bench,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
