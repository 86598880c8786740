"""The layout's rules, kept: no import cycles, no module over 300 lines, no package folder over 12 modules,
and `index` never imports `bot`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "index")
MAX_LINES, MAX_MODULES = 300, 12


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the packages."""
    found = {}
    for path in sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def runtime_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules this one imports when it runs (imports under `if TYPE_CHECKING:` left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    imported: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return {module for module in imported if module in known and module != name}


def cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from `start` back to itself, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in graph[node]:
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_no_import_cycles() -> None:
    found = modules()
    graph = {name: runtime_imports(name, path, set(found)) for name, path in found.items()}
    cycles = [cycle for name in graph if (cycle := cycle_from(name, graph))]
    assert not cycles, cycles[0]


def test_index_never_imports_bot() -> None:
    found = modules()
    for name, path in found.items():
        if name.startswith("index"):
            assert not {m for m in runtime_imports(name, path, set(found)) if m.startswith("bot")}, name


def test_modules_are_short_and_folders_hold_one_idea() -> None:
    found = modules()
    long = {name: n for name, path in found.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long
    per_folder: dict[Path, int] = {}
    for path in found.values():
        per_folder[path.parent] = per_folder.get(path.parent, 0) + 1
    assert not {str(folder): n for folder, n in per_folder.items() if n > MAX_MODULES}
