"""The API stays light: a fresh API process loads no engine or workflow module and none of
the model libraries, and the names it starts and talks to workflows by are the names the
workflow definitions register (so a renamed update cannot go unnoticed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from temporalio.workflow import _Definition

from core import workflow_refs as refs
from workflows.actions import ActionWorkflow
from workflows.callbacks import CallbackWorkflow
from workflows.classify import ClassifyWorkflow
from workflows.conversation import ConversationWorkflow
from workflows.engine_door import EngineDoorWorkflow
from workflows.escalation import EscalationWorkflow
from workflows.knowledge import KnowledgeIngestWorkflow
from workflows.llm import LlmGenerateWorkflow, LlmRouteWorkflow
from workflows.pipeline import PipelineWorkflow
from workflows.rag import RagEmbedWorkflow, RagRetrieveWorkflow
from workflows.safety import SafetyValidateWorkflow
from workflows.voice import SpeechToTextWorkflow, TextToSpeechWorkflow

ROOT = Path(__file__).resolve().parents[2]
MODEL_LIBRARIES = (
    "numpy",
    "onnxruntime",
    "tokenizers",
    "fastembed",
    "qdrant_client",
    "litellm",
    "presidio_analyzer",
    "spacy",
    "rank_bm25",
    "dateparser",
    "faster_whisper",
)

PROBE = """
import json, sys
from api.main import create_app
from core.settings import Settings
create_app(Settings(_env_file=None))
print(json.dumps(sorted(sys.modules)))
"""


def test_an_api_process_loads_no_engine_workflow_or_model_module() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    engines = [m for m in loaded if m.split(".")[0] in ("activities", "workflows")]
    assert engines == [], engines
    models = [m for m in loaded if m.split(".")[0] in MODEL_LIBRARIES]
    assert models == [], models
    assert "api.routes.pipelines" in loaded  # the probe did build the whole app


def test_workflow_names_match_their_definitions() -> None:
    def defn(cls: type) -> _Definition:
        return _Definition.must_from_class(cls)

    named = {
        refs.CONVERSATION: ConversationWorkflow,
        refs.PIPELINE: PipelineWorkflow,
        refs.CLASSIFY: ClassifyWorkflow,
        refs.SAFETY_VALIDATE: SafetyValidateWorkflow,
        refs.RAG_RETRIEVE: RagRetrieveWorkflow,
        refs.RAG_EMBED: RagEmbedWorkflow,
        refs.LLM_GENERATE: LlmGenerateWorkflow,
        refs.LLM_ROUTE: LlmRouteWorkflow,
        refs.ACTION: ActionWorkflow,
        refs.CALLBACK: CallbackWorkflow,
        refs.ESCALATION: EscalationWorkflow,
        refs.KNOWLEDGE_INGEST: KnowledgeIngestWorkflow,
        refs.ENGINE_DOOR: EngineDoorWorkflow,
        refs.SPEECH_TO_TEXT: SpeechToTextWorkflow,
        refs.TEXT_TO_SPEECH: TextToSpeechWorkflow,
    }
    for name, cls in named.items():
        assert defn(cls).name == name
    assert refs.SEND_MESSAGE in defn(ConversationWorkflow).updates
    assert {refs.CALLBACK_MOVE, refs.CALLBACK_CANCEL} <= set(defn(CallbackWorkflow).updates)
    assert refs.ESCALATION_ACKNOWLEDGE in defn(EscalationWorkflow).updates
    assert refs.KNOWLEDGE_ENQUEUE in defn(KnowledgeIngestWorkflow).signals
    assert refs.KNOWLEDGE_PROGRESS in defn(KnowledgeIngestWorkflow).queries
    doors = {refs.DOOR_CLASSIFY, refs.DOOR_VALIDATE, refs.DOOR_RETRIEVE, refs.DOOR_EMBED}
    assert doors <= set(defn(EngineDoorWorkflow).updates)
