"""Every loose spot in nyata/'s types says why it is loose (issue 13, item 8).

* A `# type: ignore` names its error code and gives a reason after it on the same line:
  `# type: ignore[attr-defined]  # annotated by with_totals()`.
* A public function or method (name without a leading `_`, outside migrations) has no bare
  `Any` in its parameters or return type. A deliberate loose value names an alias from
  nyata/core/typealiases.py (JSONObject, TemplateContext, FormData ...), which says why once.
  `*args: Any` / `**kwargs: Any` are allowed: they pass arguments through to Django's own
  signatures (Command.handle, signal receivers, form constructors) or to model fields.
  What remains is listed, under a reason, in typing_any_allowlist.txt next to this file; an
  entry that no longer matches fails too, so the list only shrinks.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NYATA = ROOT / "nyata"
ALLOWLIST = Path(__file__).with_name("typing_any_allowlist.txt")

IGNORE = re.compile(r"type:\s*ignore\b(?P<rest>.*)")
WITH_REASON = re.compile(r"^\[[a-z0-9-]+(?:,\s*[a-z0-9-]+)*\]\s+#\s*\S.{3,}")


def _sources(*, migrations: bool) -> list[Path]:
    return sorted(p for p in NYATA.rglob("*.py") if migrations or "migrations" not in p.parts)


def ignores_without_reason(source: str) -> list[int]:
    """Lines whose `type: ignore` comment lacks an error code or a reason."""
    bad = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        m = IGNORE.search(tok.string) if tok.type == tokenize.COMMENT else None
        if m and not WITH_REASON.match(m.group("rest")):
            bad.append(tok.start[0])
    return bad


def _mentions_any(node: ast.expr | None) -> bool:
    if node is None:
        return False
    for n in ast.walk(node):
        if (isinstance(n, ast.Name) and n.id == "Any") or (isinstance(n, ast.Attribute) and n.attr == "Any"):
            return True
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and re.search(r"\bAny\b", n.value):
            return True
    return False


def any_in_public_signatures(source: str) -> list[str]:
    """Qualified names of module-level functions and methods of classes that show `Any`."""
    found: list[str] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
                a = node.args
                named = [*a.posonlyargs, *a.args, *a.kwonlyargs]
                if _mentions_any(node.returns) or any(_mentions_any(x.annotation) for x in named):
                    found.append(prefix + node.name)

    visit(ast.parse(source).body, "")
    return found


def _allowlist() -> dict[str, str]:
    """`path:qualname` → the reason (the comment line above its block)."""
    entries: dict[str, str] = {}
    reason = ""
    for line in ALLOWLIST.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            reason = ""
        elif line.startswith("#"):
            reason = line.lstrip("# ")
        else:
            assert reason, f"{line}: give the reason on a comment line above its block"
            entries[line] = reason
    return entries


def test_the_checks_can_fail() -> None:
    src = ("x = 1  # type: ignore\ny = 2  # type: ignore[attr-defined]\n"
           "z = 3  # type: ignore[attr-defined]  # set by @policy\ns = '# type: ignore'\n")
    assert ignores_without_reason(src) == [1, 2]
    src = ("from typing import Any\ndef f(x: Any) -> None: ...\ndef g() -> 'list[Any]': ...\n"
           "def _h(x: Any) -> Any: ...\ndef k(*a: Any, **kw: Any) -> None: ...\n"
           "class C:\n    def m(self, x: int) -> dict[str, Any]: ...\n")
    assert any_in_public_signatures(src) == ["f", "g", "C.m"]


def test_every_type_ignore_has_a_code_and_a_reason() -> None:
    bad = [f"{p.relative_to(ROOT)}:{n}" for p in _sources(migrations=True)
           for n in ignores_without_reason(p.read_text(encoding="utf-8"))]
    assert bad == []


def test_no_bare_any_in_a_public_signature_outside_the_allowlist() -> None:
    found = {f"{p.relative_to(ROOT)}:{q}" for p in _sources(migrations=False)
             for q in any_in_public_signatures(p.read_text(encoding="utf-8"))}
    allowed = set(_allowlist())
    assert sorted(found - allowed) == [], "name a precise type or an alias of nyata/core/typealiases.py"
    assert sorted(allowed - found) == [], "fixed: remove these from typing_any_allowlist.txt"
