"""Only the LLM gateway talks to model providers: no other product module imports LiteLLM or
a provider SDK, so every call is routed, budgeted and counted."""

from __future__ import annotations

import ast
from pathlib import Path

from core.settings import ROOT

PRODUCT = ("activities", "api", "core", "store", "workflows", "devstack")
PROVIDER_MODULES = {"litellm", "openai", "anthropic", "google.genai", "google.generativeai"}
# The gateway's transport and the module that imports it on first need.
ALLOWED = {ROOT / "activities" / "llm" / "wire.py", ROOT / "activities" / "llm" / "factory.py"}


def provider_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in PROVIDER_MODULES or n in PROVIDER_MODULES]
    return found


def test_no_module_outside_the_gateway_imports_a_provider_client() -> None:
    files = [p for d in PRODUCT for p in (ROOT / d).rglob("*.py")] + [ROOT / "worker.py"]
    offenders = {
        str(p.relative_to(ROOT)): hits
        for p in files
        if p not in ALLOWED and (hits := provider_imports(p))
    }
    assert offenders == {}
    assert provider_imports(ROOT / "activities" / "llm" / "factory.py") == ["litellm"]


def test_the_generate_activity_goes_through_the_gateway() -> None:
    source = (ROOT / "activities" / "llm" / "activity.py").read_text()
    assert "self.gateway.stream(" in source
