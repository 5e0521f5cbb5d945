"""The layering rule: the domain (tui.core) never imports Textual, so it
runs headless, from cron and in other programs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tui.core

CORE = Path(tui.core.__file__).parent
UI_PACKAGES = ("textual", "rich", "tui.app")


def core_modules() -> list[str]:
    names = []
    for path in sorted(CORE.rglob("*.py")):
        relative = path.relative_to(CORE.parent.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def test_no_core_module_mentions_a_ui_package() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if name.split(".")[0] in ("textual", "rich") or name.startswith("tui.app"):
                    offenders.append(f"{path.relative_to(CORE)}: {name}")
    assert offenders == []


def test_every_core_module_imports_with_textual_unimportable() -> None:
    """Import the whole domain in a fresh interpreter where importing
    textual or rich raises, as harlequin's contract test does."""
    modules = core_modules()
    assert "tui.core.store" in modules and "tui.core.config" in modules
    script = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('textual', 'rich'):\n"
        "            raise ImportError('UI package imported from the domain: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('ok', len(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_the_cli_does_not_import_textual_for_subcommands() -> None:
    script = (
        "import sys\nfrom tui.cli import build_parser\n"
        "build_parser()  # imports every subcommand module\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
