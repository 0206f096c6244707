"""How the source is cut into modules: none over 300 lines, and no import cycle (docs/style.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp
import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src"
MAX_LINES = 300


def long_files(root: Path) -> dict[str, int]:
    lengths = {str(path.relative_to(root)): len(path.read_text("utf-8").splitlines()) for path in root.rglob("*.py")}
    return {path: lines for path, lines in sorted(lengths.items()) if lines > MAX_LINES}


def import_cycles(package: str) -> list[list[str]]:
    """Every group of the package's modules that import each other round in a circle (imports made
    only for type checking included), found as the strongly connected components of the import graph."""
    graph = grimp.build_graph(package, cache_dir=None)
    modules = sorted(graph.modules)
    imports = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in modules}
    return _cycles(modules, imports)


def _cycles(modules: Iterable[str], imports: Mapping[str, list[str]]) -> list[list[str]]:
    # Tarjan's algorithm, iterative: a module's component is complete when no module below it on the
    # stack reaches further up.
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in modules:
        if start in order:
            continue
        work = [(start, iter(imports.get(start, [])))]
        order[start] = low[start] = len(order)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, pending = work[-1]
            following = next(pending, None)
            if following is not None:
                if following not in order:
                    order[following] = low[following] = len(order)
                    stack.append(following)
                    on_stack.add(following)
                    work.append((following, iter(imports.get(following, []))))
                elif following in on_stack:
                    low[module] = min(low[module], order[following])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == order[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def test_no_source_file_is_over_300_lines() -> None:
    assert long_files(SOURCE) == {}


def test_no_module_of_the_marketplace_is_part_of_an_import_cycle() -> None:
    assert import_cycles("marketplace") == []


def test_the_size_check_names_a_file_over_the_limit(tmp_path: Path) -> None:
    (tmp_path / "short.py").write_text("x = 1\n" * MAX_LINES)
    (tmp_path / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    assert long_files(tmp_path) == {"long.py": MAX_LINES + 1}


def test_the_cycle_check_finds_a_cycle_even_through_type_checking_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "circular"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circular import b\n")
    (package / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from circular import c\n")
    (package / "c.py").write_text("import circular.a\n")
    (package / "d.py").write_text("from circular import a\n")  # imports into the cycle, is not part of it
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("circular") == [["circular.a", "circular.b", "circular.c"]]
