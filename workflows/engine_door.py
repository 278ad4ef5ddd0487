"""EngineDoorWorkflow: the engines' side doors (/classify, /safety/validate, /rag/retrieve,
/rag/embed) without a workflow per request.

A door is a short-lived shard: `engine-door-{task queue}-{shard}-{minute}`. The API reaches it with
update-with-start (the first request of the minute starts it), and each request is an
update whose steps run as local activities on the worker holding the workflow task: one
task round trip instead of a workflow start, two activity tasks and a completion. The door
ends a little after its minute, once every request in hand is answered, so its history
stays small and no continue-as-new is needed. ADR 0014.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from core.knowledge import EmbedRequest, EmbedResult
from core.payloads import ClassifyRequest, ClassifyResult, ValidateRequest, ValidateResult
from core.retrieval_payloads import RetrieveInput, RetrieveOutput
from core.workflow_refs import DOOR_BUCKET_S, DOOR_CLOSING

from .classify import classify_steps
from .rag import embed_steps, retrieve_steps
from .runners import as_local
from .safety import validate_steps

# Late arrivals for the minute (a slow client, clock skew between API replicas) still find
# the door open; past this, the API's next request starts the next minute's door.
GRACE = timedelta(seconds=30)
# History stays far below the server's limits: a busy door closes early and the next request
# starts a new run under the same id.
MAX_REQUESTS = 400


@workflow.defn
class EngineDoorWorkflow:
    def __init__(self) -> None:
        self.served = 0
        self.closing = False

    @workflow.run
    async def run(self) -> int:
        # Until the minute and its grace are over (a timeout), or the door served its share.
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self.served >= MAX_REQUESTS,
                timeout=timedelta(seconds=DOOR_BUCKET_S) + GRACE,
            )
        self.closing = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.served

    def _admit(self) -> None:
        # Validators never change state (they do not run on replay): counting is the
        # handlers' job.
        if self.closing:
            raise ApplicationError("this door is closing; ask the next one", type=DOOR_CLOSING)

    @workflow.update
    async def classify(self, inp: ClassifyRequest) -> ClassifyResult:
        self.served += 1
        return await classify_steps(inp, as_local)

    @classify.validator
    def _admit_classify(self, inp: ClassifyRequest) -> None:
        self._admit()

    @workflow.update
    async def validate(self, inp: ValidateRequest) -> ValidateResult:
        self.served += 1
        return await validate_steps(inp, as_local)

    @validate.validator
    def _admit_validate(self, inp: ValidateRequest) -> None:
        self._admit()

    @workflow.update
    async def retrieve(self, inp: RetrieveInput) -> RetrieveOutput:
        self.served += 1
        return await retrieve_steps(inp, as_local)

    @retrieve.validator
    def _admit_retrieve(self, inp: RetrieveInput) -> None:
        self._admit()

    @workflow.update
    async def embed(self, inp: EmbedRequest) -> EmbedResult:
        self.served += 1
        return await embed_steps(inp, as_local)

    @embed.validator
    def _admit_embed(self, inp: EmbedRequest) -> None:
        self._admit()
