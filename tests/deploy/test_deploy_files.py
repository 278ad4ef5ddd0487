"""Structural checks of the deployment files, which nothing else exercises before a deploy.

No Docker engine or cluster is needed: the files are parsed and cross-checked against each
other and against the code they run (settings names, search attributes, entry points).
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from core.search_attributes import ALL as SEARCH_ATTRIBUTES
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
K8S_DIR = ROOT / "deploy" / "k8s"
NAMESPACE = "aurixa"
APP_SERVICES = ("api", "worker", "migrate")
# What the brief fixes for the Compose topology; the app must reach these exact endpoints.
COMPOSE_INFRA = {
    "DATABASE_URL": "postgresql+asyncpg://aurixa:aurixa@postgres:5432/aurixa",
    "TEMPORAL_ADDRESS": "temporal:7233",
    "QDRANT_URL": "http://qdrant:6333",
    "REDIS_URL": "redis://redis:6379/0",
}
SETTING_NAMES = {name.upper() for name in Settings.model_fields}
NAMESPACED_KINDS = {
    "ConfigMap",
    "Secret",
    "Deployment",
    "Service",
    "Job",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
}


# -- loading -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def k8s_docs() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                doc["__file__"] = path.name
                docs.append(doc)
    assert docs
    return docs


def of_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def by_name(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [d for d in of_kind(docs, kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} named {name}, found {len(found)}"
    return found[0]


def pod_specs(docs: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in docs:
        if doc["kind"] in {"Deployment", "Job"}:
            yield f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"]["spec"]


def depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deps = service.get("depends_on", {})
    # The short form is a list of names, meaning "started".
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    return dict(deps)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for keyword, rest in dockerfile_instructions():
        if keyword == "FROM":
            name = rest.split(" AS ")[-1].strip() if " AS " in rest else rest
            current = stages.setdefault(name, [])
        current.append((keyword, rest))
    return stages


def exec_form(args: str) -> list[str]:
    value = yaml.safe_load(args)  # a JSON array is valid YAML
    assert isinstance(value, list), f"use the exec (JSON) form, not a shell string: {args}"
    return [str(v) for v in value]


def cpu(quantity: Any) -> float:
    text = str(quantity)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def memory(quantity: Any) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 10**3, "M": 10**6, "G": 10**9}
    match = re.fullmatch(r"([0-9.]+)([KMG]i?)?", str(quantity))
    assert match, f"unparsable memory quantity {quantity!r}"
    return float(match[1]) * units.get(match[2] or "", 1)


def search_attribute_flags() -> list[str]:
    """The --name/--type pairs for the attributes the workflows actually upsert."""
    flags = []
    for key in SEARCH_ATTRIBUTES:
        # KEYWORD_LIST -> KeywordList, as the temporal CLI spells types.
        words = key.indexed_value_type.name.split("_")
        flags.append(f"--name {key.name} --type {''.join(w.title() for w in words)}")
    return flags


# -- docker-compose.yml --------------------------------------------------------------------


def test_compose_has_the_topology(services: dict[str, Any]) -> None:
    expected = {
        "postgres",
        "redis",
        "qdrant",
        "temporal",
        "temporal-ui",
        "temporal-setup",
        "migrate",
        "worker",
        "api",
    }
    assert expected <= set(services)


def test_depends_on_targets_exist_and_conditions_are_satisfiable(
    services: dict[str, Any],
) -> None:
    for name, service in services.items():
        for target, spec in depends_on(service).items():
            assert target in services, f"{name} depends on undefined service {target}"
            condition = spec.get("condition", "service_started")
            if condition == "service_healthy":
                # Without a healthcheck the dependency would never become healthy.
                assert "healthcheck" in services[target], f"{name} waits on {target}'s health"
            elif condition == "service_completed_successfully":
                # A restarting service never "completes", so the dependant would never start.
                assert services[target].get("restart", "no") == "no", (name, target)
            else:
                assert condition == "service_started", (name, target, condition)


def test_api_and_worker_share_the_infrastructure_settings(services: dict[str, Any]) -> None:
    envs = {name: services[name]["environment"] for name in APP_SERVICES}
    for key, value in COMPOSE_INFRA.items():
        for name, env in envs.items():
            assert env.get(key) == value, f"{name}: {key}={env.get(key)!r}"
    for key in ("TEMPORAL_NAMESPACE", "TEMPORAL_TASK_QUEUE", "DATA_DIR"):
        assert len({env.get(key) for env in envs.values()}) == 1, key


def test_app_environment_uses_real_setting_names(services: dict[str, Any]) -> None:
    # pydantic-settings silently ignores unknown variables, so a typo would go unnoticed.
    for name in APP_SERVICES:
        unknown = set(services[name]["environment"]) - SETTING_NAMES
        assert not unknown, f"{name} sets variables Settings does not read: {unknown}"


def test_app_endpoints_name_compose_services(services: dict[str, Any]) -> None:
    env = services["api"]["environment"]
    for key in ("DATABASE_URL", "QDRANT_URL", "REDIS_URL"):
        assert urlsplit(env[key]).hostname in services, key
    assert env["TEMPORAL_ADDRESS"].split(":")[0] in services


def test_database_credentials_match_postgres(services: dict[str, Any]) -> None:
    pg = services["postgres"]["environment"]
    url = urlsplit(services["api"]["environment"]["DATABASE_URL"])
    assert (url.username, url.password, url.path.lstrip("/")) == (
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
        pg["POSTGRES_DB"],
    )
    temporal = services["temporal"]["environment"]
    assert temporal["POSTGRES_SEEDS"] == "postgres"
    assert (temporal["POSTGRES_USER"], temporal["POSTGRES_PWD"]) == (
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
    )


def test_postgres_and_temporal_health_gate_their_dependants(services: dict[str, Any]) -> None:
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    assert "qdrant" in services["qdrant"]["image"] and "healthcheck" in services["qdrant"]
    assert "auto-setup" in services["temporal"]["image"]
    assert services["temporal"]["environment"]["DB"] == "postgres12"
    assert depends_on(services["temporal"])["postgres"]["condition"] == "service_healthy"
    assert "8233:8080" in services["temporal-ui"]["ports"]


def test_temporal_setup_registers_every_search_attribute(services: dict[str, Any]) -> None:
    setup = services["temporal-setup"]
    assert "temporalio/admin-tools" in setup["image"]
    script = " ".join(setup["command"])
    create = re.search(r"temporal operator search-attribute create[^\n;]*", script)
    assert create, "no search-attribute create command"
    assert "--namespace default" in create[0]
    for flag in search_attribute_flags():
        assert flag in create[0], flag
    # Compose interpolates "$VAR"; a shell variable must be written "$$VAR" to survive.
    assert not re.search(r"(?<!\$)\$(?![$])", script), "unescaped $ in the setup script"


def test_migrate_is_one_shot_migrate_then_seed(services: dict[str, Any]) -> None:
    migrate = services["migrate"]
    assert migrate["restart"] == "no"
    assert "python -m store.migrate && python -m store.seed" in " ".join(migrate["command"])
    assert depends_on(migrate)["postgres"]["condition"] == "service_healthy"


def test_api_service(services: dict[str, Any]) -> None:
    api = services["api"]
    assert "3000:3000" in api["ports"]
    assert "/health" in " ".join(api["healthcheck"]["test"])
    deps = depends_on(api)
    assert deps["migrate"]["condition"] == "service_completed_successfully"
    assert deps["temporal"]["condition"] == "service_healthy"
    assert deps["temporal-setup"]["condition"] == "service_completed_successfully"


def test_worker_is_scalable(services: dict[str, Any]) -> None:
    worker = services["worker"]
    assert worker["command"] == ["python", "worker.py"]
    # A fixed name or host port would make `--scale worker=N` fail on the second replica.
    assert "container_name" not in worker and "ports" not in worker
    deps = depends_on(worker)
    assert deps["migrate"]["condition"] == "service_completed_successfully"
    assert deps["temporal-setup"]["condition"] == "service_completed_successfully"


def test_named_volumes_are_declared(compose: dict[str, Any], services: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    used = {
        str(mount).split(":")[0]
        for service in services.values()
        for mount in service.get("volumes", [])
    }
    named = {v for v in used if not v.startswith((".", "/", "~"))}
    assert named <= declared, named - declared
    assert {"postgres-data", "qdrant-data"} <= named, "stateful services need named volumes"


def test_compose_build_targets_exist(services: dict[str, Any]) -> None:
    stages = dockerfile_stages()
    for name, service in services.items():
        if "build" in service:
            assert service["build"]["dockerfile"] == "Dockerfile"
            assert service["build"]["target"] in stages, name


# -- Dockerfile ----------------------------------------------------------------------------


def test_dockerfile_installs_the_lock_with_hashes() -> None:
    runs = [rest for keyword, rest in dockerfile_instructions() if keyword == "RUN"]
    installs = [r for r in runs if "pip install" in r]
    assert len(installs) == 1
    args = shlex.split(installs[0])
    assert "--require-hashes" in args
    assert args[args.index("-r") + 1] == "requirements.lock"
    # The lock omits sentence-transformers on purpose; pip must not try to resolve it.
    assert "--no-deps" in args


def test_lock_pins_every_requirement_with_a_hash() -> None:
    # --require-hashes rejects the whole install if a single entry lacks a hash.
    text = (ROOT / "requirements.lock").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    pinned = [e for e in entries if re.match(r"[A-Za-z0-9_.\-]+==", e)]
    assert pinned
    for entry in pinned:
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_dockerfile_base_user_and_model() -> None:
    instructions = dockerfile_instructions()
    froms = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert froms[0].startswith("python:3.11-slim")
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users, "the image must not run as root"
    assert users[-1].split(":")[0] not in {"0", "root"}
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "python -m activities.embedding.prepare" in runs


def test_dockerfile_copies_all_code_that_exists() -> None:
    copied = set()
    for keyword, rest in dockerfile_instructions():
        if keyword == "COPY" and not rest.startswith("--from"):
            *sources, _dest = [a for a in rest.split() if not a.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"COPY source missing: {source}"
                copied.add(source.rstrip("/"))
    packages = {
        p.parent.name
        for p in ROOT.glob("*/__init__.py")
        if p.parent.name not in {"tests", "devstack", "bench"}
    }
    assert packages <= copied, f"packages left out of the image: {packages - copied}"
    assert "worker.py" in copied


def test_image_commands_point_at_real_entry_points() -> None:
    stages = dockerfile_stages()
    final_cmd = exec_form([rest for k, rest in next(reversed(stages.values())) if k == "CMD"][-1])
    assert final_cmd[0] == "uvicorn"
    target = next(a for a in final_cmd[1:] if ":" in a and not a.startswith("-"))
    module, attr = target.split(":")
    source = ROOT / (module.replace(".", "/") + ".py")
    tree = ast.parse(source.read_text())
    defined = {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    } | {
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    assert attr in defined, f"{target} is not defined in {source.name}"
    # A factory must be run with --factory, a module-level app without it.
    is_function = any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == attr for n in tree.body
    )
    assert ("--factory" in final_cmd) == is_function
    assert final_cmd[final_cmd.index("--host") + 1] == "0.0.0.0"
    assert final_cmd[final_cmd.index("--port") + 1] == "3000"
    worker_cmd = exec_form([rest for k, rest in stages["worker"] if k == "CMD"][-1])
    assert worker_cmd == ["python", "worker.py"]
    assert (ROOT / "worker.py").is_file()


# -- deploy/k8s ----------------------------------------------------------------------------


def test_every_manifest_is_well_formed(k8s_docs: list[dict[str, Any]]) -> None:
    files = {d["__file__"] for d in k8s_docs}
    assert {
        "namespace.yaml",
        "configmap.yaml",
        "secret.example.yaml",
        "api.yaml",
        "worker.yaml",
        "migrate-job.yaml",
        "hpa.yaml",
    } <= files
    for doc in k8s_docs:
        assert doc.get("apiVersion") and doc.get("kind") and doc["metadata"].get("name"), doc
        if doc["kind"] in NAMESPACED_KINDS:
            assert doc["metadata"].get("namespace") == NAMESPACE, doc["metadata"]["name"]
    assert by_name(k8s_docs, "Namespace", NAMESPACE)


def test_deployment_selectors_match_their_pods(k8s_docs: list[dict[str, Any]]) -> None:
    for deployment in of_kind(k8s_docs, "Deployment"):
        selector = deployment["spec"]["selector"]["matchLabels"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items(), deployment["metadata"]["name"]
    # Two Deployments selecting each other's pods would fight over them.
    selectors = [
        frozenset(d["spec"]["selector"]["matchLabels"].items())
        for d in of_kind(k8s_docs, "Deployment")
    ]
    assert len(selectors) == len(set(selectors))


def test_every_container_has_sane_resources(k8s_docs: list[dict[str, Any]]) -> None:
    for owner, spec in pod_specs(k8s_docs):
        for container in spec["containers"]:
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(bound, {})), (owner, bound)
            assert cpu(resources["requests"]["cpu"]) <= cpu(resources["limits"]["cpu"]), owner
            assert memory(resources["requests"]["memory"]) <= memory(
                resources["limits"]["memory"]
            ), owner


def test_worker_and_api_sizing(k8s_docs: list[dict[str, Any]]) -> None:
    worker = by_name(k8s_docs, "Deployment", "aurixa-worker")["spec"]
    api = by_name(k8s_docs, "Deployment", "aurixa-api")["spec"]
    worker_req = worker["template"]["spec"]["containers"][0]["resources"]["requests"]
    api_req = api["template"]["spec"]["containers"][0]["resources"]["requests"]
    # The worker holds the embedding model in memory; the API does not.
    assert cpu(worker_req["cpu"]) >= 1 and memory(worker_req["memory"]) >= memory("1.5Gi")
    assert cpu(api_req["cpu"]) == 0.5 and memory(api_req["memory"]) == memory("512Mi")
    assert worker["replicas"] == api["replicas"] == 2


def test_api_probes_use_health_on_a_declared_port(k8s_docs: list[dict[str, Any]]) -> None:
    deployment = by_name(k8s_docs, "Deployment", "aurixa-api")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert 3000 in ports.values()
    readiness = container["readinessProbe"]["httpGet"]
    assert readiness["path"] == "/health"
    assert readiness["port"] in ports or readiness["port"] in ports.values()
    for probe in ("livenessProbe", "startupProbe"):
        assert probe in container, probe
        check = container[probe].get("httpGet") or container[probe].get("tcpSocket")
        assert check["port"] in ports or check["port"] in ports.values(), probe


def test_worker_runs_the_worker_and_has_no_service(k8s_docs: list[dict[str, Any]]) -> None:
    deployment = by_name(k8s_docs, "Deployment", "aurixa-worker")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "worker.py"]
    for service in of_kind(k8s_docs, "Service"):
        assert not service["spec"]["selector"].items() <= pod_labels.items()


def test_services_select_pods_and_ports(k8s_docs: list[dict[str, Any]]) -> None:
    for service in of_kind(k8s_docs, "Service"):
        selector = service["spec"]["selector"]
        targets = [
            d
            for d in of_kind(k8s_docs, "Deployment")
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(targets) == 1, service["metadata"]["name"]
        containers = targets[0]["spec"]["template"]["spec"]["containers"]
        declared = {p.get("name") for c in containers for p in c.get("ports", [])} | {
            p["containerPort"] for c in containers for p in c.get("ports", [])
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in declared, port


def test_pdb_and_hpa_target_existing_workloads(k8s_docs: list[dict[str, Any]]) -> None:
    for pdb in of_kind(k8s_docs, "PodDisruptionBudget"):
        selector = pdb["spec"]["selector"]["matchLabels"]
        assert any(
            selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
            for d in of_kind(k8s_docs, "Deployment")
        )
    hpa = by_name(k8s_docs, "HorizontalPodAutoscaler", "aurixa-worker")
    ref = hpa["spec"]["scaleTargetRef"]
    assert ref["kind"] == "Deployment"
    worker = by_name(k8s_docs, "Deployment", ref["name"])
    assert worker["spec"]["template"]["spec"]["containers"][0]["command"] == ["python", "worker.py"]
    assert hpa["spec"]["minReplicas"] == worker["spec"]["replicas"] <= hpa["spec"]["maxReplicas"]
    metrics = hpa["spec"]["metrics"]
    assert [m["resource"]["name"] for m in metrics if m["type"] == "Resource"] == ["cpu"]


def test_config_and_secret_references_resolve(k8s_docs: list[dict[str, Any]]) -> None:
    configmaps = {d["metadata"]["name"]: d["data"] for d in of_kind(k8s_docs, "ConfigMap")}
    secrets = {d["metadata"]["name"]: d["stringData"] for d in of_kind(k8s_docs, "Secret")}
    for owner, spec in pod_specs(k8s_docs):
        for container in spec["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in configmaps, owner
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in secrets, owner
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("configMapKeyRef")
                if ref:
                    assert ref["key"] in configmaps[ref["name"]], (owner, ref)


def test_config_and_secret_hold_known_settings(k8s_docs: list[dict[str, Any]]) -> None:
    config = by_name(k8s_docs, "ConfigMap", "aurixa-config")["data"]
    secret = by_name(k8s_docs, "Secret", "aurixa-secrets")["stringData"]
    assert not (set(config) | set(secret)) - SETTING_NAMES
    # ConfigMap values must be strings, or the API server rejects the object.
    assert all(isinstance(v, str) for v in config.values())
    # Credentials belong in the Secret only.
    assert "DATABASE_URL" in secret and "DATABASE_URL" not in config
    assert "LLM_API_KEY" in secret and "LLM_API_KEY" not in config
    needed = {
        "DATABASE_URL",
        "TEMPORAL_ADDRESS",
        "QDRANT_URL",
        "REDIS_URL",
        "LLM_PROVIDER",
        "LLM_MODEL",
        "LLM_API_BASE",
        "LLM_API_KEY",
        "DATA_DIR",
    }
    assert needed <= set(config) | set(secret)
    assert Settings(database_url=secret["DATABASE_URL"]).database_url.startswith(
        "postgresql+asyncpg://"
    )


def test_secret_example_holds_only_placeholders(k8s_docs: list[dict[str, Any]]) -> None:
    secret = by_name(k8s_docs, "Secret", "aurixa-secrets")
    assert secret["__file__"] == "secret.example.yaml"
    assert "example" in str(secret["metadata"].get("annotations", {})).lower()
    for key, value in secret["stringData"].items():
        assert "CHANGE-ME" in value, f"{key} looks like a real value"


def test_pods_meet_the_restricted_pod_security_standard(k8s_docs: list[dict[str, Any]]) -> None:
    namespace = by_name(k8s_docs, "Namespace", NAMESPACE)
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for owner, spec in pod_specs(k8s_docs):
        pod_ctx = spec.get("securityContext", {})
        assert pod_ctx.get("runAsNonRoot") is True, owner
        assert pod_ctx.get("runAsUser", 0) != 0, owner
        assert pod_ctx.get("seccompProfile", {}).get("type") == "RuntimeDefault", owner
        for container in spec["containers"]:
            ctx = container.get("securityContext", {})
            assert ctx.get("allowPrivilegeEscalation") is False, owner
            assert ctx.get("capabilities", {}).get("drop") == ["ALL"], owner
            if ctx.get("readOnlyRootFilesystem"):
                # Python and its libraries need a writable /tmp.
                mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
                assert "/tmp" in mounts, owner


def test_app_pods_share_one_image_and_uid(k8s_docs: list[dict[str, Any]]) -> None:
    app_images = set()
    for owner, spec in pod_specs(k8s_docs):
        for container in spec["containers"]:
            if not container["image"].startswith("temporalio/"):
                app_images.add(container["image"])
                # 10001 is the user the Dockerfile creates and owns DATA_DIR.
                assert spec["securityContext"]["runAsUser"] == 10001, owner
    assert len(app_images) == 1, app_images


def test_migrate_job_and_search_attribute_job(k8s_docs: list[dict[str, Any]]) -> None:
    migrate = by_name(k8s_docs, "Job", "aurixa-migrate")["spec"]["template"]["spec"]
    assert migrate["restartPolicy"] in {"Never", "OnFailure"}
    assert migrate["containers"][0]["command"] == ["python", "-m", "store.migrate"]
    setup = by_name(k8s_docs, "Job", "aurixa-temporal-search-attributes")
    container = setup["spec"]["template"]["spec"]["containers"][0]
    script = " ".join(container.get("args", []))
    create = re.search(r"temporal operator search-attribute create[^\n;]*", script)
    assert create
    for flag in search_attribute_flags():
        assert flag in create[0], flag
