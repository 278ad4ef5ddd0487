"""Names and ids by which clients reach the workflows: their registered names, their
updates, queries and signals, the id schemes and the failure types callers must tell apart.

The API process starts and talks to workflows by these names, so it never imports workflow
code (and, through it, the engines and their models). The workflows import the same
constants; tests/api/test_api_imports.py checks every name against the definitions.
"""

from __future__ import annotations

CONVERSATION = "ConversationWorkflow"
SEND_MESSAGE = "send_message"
PIPELINE = "PipelineWorkflow"
CLASSIFY = "ClassifyWorkflow"
SAFETY_VALIDATE = "SafetyValidateWorkflow"
RAG_RETRIEVE = "RagRetrieveWorkflow"
RAG_EMBED = "RagEmbedWorkflow"
LLM_GENERATE = "LlmGenerateWorkflow"
LLM_ROUTE = "LlmRouteWorkflow"
ACTION = "ActionWorkflow"
CALLBACK = "CallbackWorkflow"
CALLBACK_MOVE = "move"
CALLBACK_CANCEL = "cancel"
ESCALATION = "EscalationWorkflow"
ESCALATION_ACKNOWLEDGE = "acknowledge"
KNOWLEDGE_INGEST = "KnowledgeIngestWorkflow"
KNOWLEDGE_ENQUEUE = "enqueue"
KNOWLEDGE_PROGRESS = "get_progress"
ENGINE_DOOR = "EngineDoorWorkflow"
SPEECH_TO_TEXT = "SpeechToTextWorkflow"
TEXT_TO_SPEECH = "TextToSpeechWorkflow"
VOICE_CALL = "VoiceCallWorkflow"
VOICE_HEAR = "hear"
VOICE_SPEAK = "speak"
VOICE_NOTE = "note"
VOICE_HANG_UP = "hang_up"
VOICE_EVENTS = "events"
DOOR_CLASSIFY = "classify"
DOOR_VALIDATE = "validate"
DOOR_RETRIEVE = "retrieve"
DOOR_EMBED = "embed"
# Each door serves one minute of requests (workflows/engine_door.py); a closing door refuses
# new ones with this type and the API asks the next.
DOOR_BUCKET_S = 60
DOOR_SHARDS = 4
DOOR_CLOSING = "DoorClosing"

# A turn the conversation's validator refused (another patient's session, a closed one).
TURN_REJECTED = "TurnRejected"
# A turn retried with its key after the conversation continued as new: the update ids the
# earlier run de-duplicated are gone, but the turn's pipeline (its answer) is still there.
TURN_ANSWERED = "TurnAlreadyAnswered"


def pipeline_workflow_id(tenant_id: int, session_id: str, turn_id: str) -> str:
    return f"pipeline-{tenant_id}-{session_id}-{turn_id}"


def conversation_workflow_id(tenant_id: int, session_id: str) -> str:
    return f"conversation-{tenant_id}-{session_id}"


def door_workflow_id(task_queue: str, shard: int, bucket: int) -> str:
    # Named by its task queue: deployments (or test stacks) sharing a namespace must never
    # send their requests to a door whose workers poll another queue.
    return f"engine-door-{task_queue}-{shard}-{bucket}"
