"""Every order move goes through `move_order` (application/ordering/moves.py), so stock and money
always follow it: no other module books order money or applies an order action itself."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[3] / "src" / "marketplace"
THE_WAY = SOURCE / "application" / "ordering" / "moves.py"


def _names_an_action(node: ast.expr) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "OrderAction" for n in ast.walk(node))


def _breaches(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "settle_order_money" for alias in node.names):
            found.append(f"{path.name}:{node.lineno} imports settle_order_money")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "apply"
            and any(_names_an_action(arg) for arg in node.args)
        ):
            found.append(f"{path.name}:{node.lineno} applies an order action itself")
    return found


def test_only_move_order_applies_order_actions_and_books_their_money() -> None:
    modules = [p for p in SOURCE.rglob("*.py") if p != THE_WAY and "domain" not in p.relative_to(SOURCE).parts]
    assert [breach for path in modules for breach in _breaches(path)] == []


def test_the_rule_sees_a_breach(tmp_path: Path) -> None:
    rogue = tmp_path / "rogue.py"
    rogue.write_text(
        "from marketplace.application.settlement.booking import settle_order_money\n"
        "order.apply(OrderAction.CANCEL, now)\n"
    )
    assert len(_breaches(rogue)) == 2
