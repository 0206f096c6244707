"""The dependency rule: domain <- application <- adapters, entrypoints; checked by AST and import-linter."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SOURCE = PROJECT / "src" / "marketplace"
FRAMEWORKS = frozenset(
    {
        "litestar",
        "sqlalchemy",
        "asyncpg",
        "aiosqlite",
        "pymongo",
        "bson",
        "redis",
        "minio",
        "httpx",
        "socketio",
        "engineio",
        "dependency_injector",
        "alembic",
        "starlette",
        "fastapi",
        "uvicorn",
        "granian",
        "argon2",
        "jwt",
        "markdown_it",
        "nh3",
        "zxcvbn",
        "aiosmtplib",
    }
)


def _module_name(path: Path, package_root: Path) -> list[str]:
    parts = list(path.relative_to(package_root.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports_of(path: Path, package_root: Path) -> Iterator[str]:
    """Absolute names of every module `path` imports, relative imports resolved."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.module or ""
                continue
            package = _module_name(path, package_root)
            if path.name != "__init__.py":
                package = package[:-1]
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                yield ".".join([*base, node.module])
            else:  # `from . import x`: each name may be a module
                yield from (".".join([*base, alias.name]) for alias in node.names)


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violation(layer: str, name: str, root: str) -> bool:
    top = name.split(".")[0]
    if layer == "domain":
        return not (top in sys.stdlib_module_names or _within(name, f"{root}.domain"))
    if layer == "application":
        return top in FRAMEWORKS or _within(name, f"{root}.adapters") or _within(name, f"{root}.entrypoints")
    if layer == "adapters":
        return _within(name, f"{root}.entrypoints")
    return False


def violations(package_root: Path) -> list[str]:
    root = package_root.name
    found = []
    for layer in ("domain", "application", "adapters"):
        for path in sorted((package_root / layer).rglob("*.py")):
            for name in imports_of(path, package_root):
                if violation(layer, name, root):
                    found.append(f"{path.relative_to(package_root.parent)} imports {name}")
    return found


def test_the_source_keeps_the_dependency_rule() -> None:
    assert (SOURCE / "domain").is_dir() and (SOURCE / "application").is_dir()
    assert violations(SOURCE) == []


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _write(root: Path, relative: str, text: str = "") -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A tiny package laid out like ours, keeping the rule, for the checker to be tried on."""
    root = tmp_path / "shop"
    for package in ("", "domain", "domain/sales", "application", "adapters", "entrypoints"):
        _write(root, f"{package}/__init__.py".lstrip("/"))
    _write(
        root,
        "domain/sales/order.py",
        "from __future__ import annotations\nimport dataclasses\nfrom ..money import Money\n",
    )
    _write(root, "domain/money.py", "from . import sales\nfrom shop.domain.sales import order\n")
    _write(
        root,
        "application/place_order.py",
        "import msgspec\nfrom shop.domain.money import Money\nfrom ..domain import money\n",
    )
    _write(root, "adapters/sql.py", "import sqlalchemy\nfrom shop.application import place_order\n")
    _write(root, "entrypoints/app.py", "import litestar\nfrom shop.adapters import sql\n")
    return root


def test_the_checker_passes_a_package_that_keeps_the_rule(shop: Path) -> None:
    assert violations(shop) == []


@pytest.mark.parametrize(
    ("relative", "source", "reported"),
    [
        ("domain/sales/refund.py", "import msgspec\n", "msgspec"),
        ("domain/sales/refund.py", "from shop.application import place_order\n", "shop.application"),
        ("domain/sales/refund.py", "from ...application import place_order\n", "shop.application"),
        ("domain/sales/refund.py", "from ... import adapters\n", "shop.adapters"),
        ("application/pay.py", "from sqlalchemy.ext.asyncio import AsyncSession\n", "sqlalchemy.ext.asyncio"),
        ("application/pay.py", "import jwt\n", "jwt"),
        ("application/pay.py", "from ..adapters.sql import Repo\n", "shop.adapters.sql"),
        (
            "application/pay.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from shop.entrypoints import app\n",
            "shop.entrypoints",
        ),
        ("adapters/mongo.py", "from ..entrypoints.app import settings\n", "shop.entrypoints.app"),
    ],
)
def test_the_checker_catches_a_forbidden_import(shop: Path, relative: str, source: str, reported: str) -> None:
    _write(shop, relative, source)
    assert violations(shop) == [f"shop/{relative} imports {reported}"]
