"""Structural checks of deploy/terraform: no terraform binary or cloud account is needed.

The files are parsed (python-hcl2) and cross-checked against each other and against the
settings the pods read, so a renamed setting or an undeclared variable fails here, and the
protections PHI needs (encryption at rest and in transit, private database) stay on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

from core.settings import Settings

TF_DIR = Path(__file__).resolve().parents[2] / "deploy" / "terraform"
SETTING_NAMES = {name.upper() for name in Settings.model_fields}


def _bare(value: Any) -> Any:
    """python-hcl2 keeps the quotes of block labels and strings: drop them."""
    if isinstance(value, dict):
        return {k.strip('"'): _bare(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_bare(v) for v in value]
    if isinstance(value, str):
        return value.strip('"')
    return value


@pytest.fixture(scope="module")
def tf() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in sorted(TF_DIR.glob("*.tf")):
        with path.open() as handle:
            for kind, blocks in _bare(hcl2.load(handle)).items():
                merged.setdefault(kind, []).extend(blocks if isinstance(blocks, list) else [blocks])
    return merged


def _blocks(tf: dict[str, Any], kind: str) -> dict[str, Any]:
    """`resource "aws_db_instance" "postgres"` -> {"aws_db_instance.postgres": {...}}."""
    out: dict[str, Any] = {}
    for block in tf.get(kind, []):
        for first, inner in block.items():
            if kind in ("resource", "data"):
                out.update({f"{first}.{name}": body for name, body in inner.items()})
            else:
                out[first] = inner
    return out


def test_every_variable_used_is_declared_and_every_declared_one_used(tf: dict[str, Any]) -> None:
    declared = set(_blocks(tf, "variable"))
    text = "\n".join(p.read_text() for p in TF_DIR.glob("*.tf") if p.name != "variables.tf")
    used = set(re.findall(r"\bvar\.([a-z_]+)", text))
    assert used - declared == set(), "used but not declared"
    assert declared - used == set(), "declared but never used"
    example = (TF_DIR / "terraform.tfvars.example").read_text()
    assert set(re.findall(r"^([a-z_]+)\s*=", example, re.M)) <= declared


def test_required_inputs_have_no_default_and_secrets_are_sensitive(tf: dict[str, Any]) -> None:
    variables = _blocks(tf, "variable")
    for name in ("temporal_address", "qdrant_url", "payload_keys"):
        assert "default" not in variables[name], f"{name} must be given, not defaulted"
    for name in ("payload_keys", "qdrant_api_key", "temporal_api_key", "llm_api_keys"):
        assert variables[name].get("sensitive") is True, name
    assert all(v.get("description") for v in variables.values())


def test_modules_and_providers_are_pinned(tf: dict[str, Any]) -> None:
    for name, module in _blocks(tf, "module").items():
        assert module["source"].startswith("terraform-aws-modules/"), name
        assert module["version"].startswith("~>"), name
    providers = tf["terraform"][0]["required_providers"][0]
    assert all(p["version"].startswith("~>") for p in providers.values())


def test_phi_stores_are_private_and_encrypted(tf: dict[str, Any]) -> None:
    resources = _blocks(tf, "resource")
    db = resources["aws_db_instance.postgres"]
    assert db["storage_encrypted"] is True and db["publicly_accessible"] is False
    redis = resources["aws_elasticache_replication_group.redis"]
    assert redis["at_rest_encryption_enabled"] is True
    assert redis["transit_encryption_enabled"] is True
    for group in ("aws_security_group.db", "aws_security_group.redis"):
        for rule in resources[group]["ingress"]:
            assert "cidr_blocks" not in rule, f"{group} must admit the cluster's nodes only"
    eks = _blocks(tf, "module")["eks"]
    assert eks["cluster_encryption_config"]["resources"] == ["secrets"]


def test_the_pods_environment_names_real_settings() -> None:
    main = (TF_DIR / "main.tf").read_text()
    secret = main[main.index('resource "aws_secretsmanager_secret_version"') :]
    keys = set(re.findall(r"^\s+([A-Z][A-Z0-9_]+)\s+=", secret, re.M))
    assert {"DATABASE_URL", "REDIS_URL", "TEMPORAL_ADDRESS", "QDRANT_URL", "PAYLOAD_KEYS"} <= keys
    assert keys <= SETTING_NAMES, keys - SETTING_NAMES
    assert "postgresql+asyncpg://" in secret and "rediss://" in secret  # TLS to Redis
