"""EscalationWorkflow: an emergency pages staff and waits for a person to acknowledge it."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from core.escalation import (
    FIRST_RESPONDERS,
    WHEN_UNANSWERED,
    AckInput,
    CloseInput,
    EscalationInput,
    EscalationStatus,
    NotifyInput,
)

from .policies import DATABASE

with workflow.unsafe.imports_passed_through():
    from activities.safety.escalation import EscalationActivities


@workflow.defn
class EscalationWorkflow:
    def __init__(self) -> None:
        self._ack: AckInput | None = None
        self._acked_at: float | None = None
        self._sent = 0
        self._status = "open"

    @workflow.update
    def acknowledge(self, ack: AckInput) -> EscalationStatus:
        # The first acknowledgement wins; a second one (another nurse, a double click) is
        # answered with the state as it is, not an error.
        if self._ack is None:
            self._ack, self._acked_at = ack, workflow.now().timestamp()
            self._status = "acknowledged"
        return self.get_status()

    @acknowledge.validator
    def _validate(self, ack: AckInput) -> None:
        if ack.user_id <= 0:
            raise ValueError("an acknowledgement needs the staff member's user id")

    @workflow.query
    def get_status(self) -> EscalationStatus:
        ack = self._ack
        return EscalationStatus(
            workflow.info().workflow_id,
            self._status,
            self._sent,
            ack.user_id if ack else None,
            self._acked_at,
        )

    async def _notify(self, inp: EscalationInput, kind: str, recipients: tuple[str, ...]) -> None:
        self._sent += 1
        await workflow.execute_activity_method(
            EscalationActivities.notify,
            NotifyInput(
                workflow.info().workflow_id,
                inp.tenant_id,
                self._sent,
                kind,
                list(recipients),
                # No message text and no patient name: the escalation id opens the record.
                f"{kind}: {inp.category} (severity {inp.severity:.2f}); acknowledge "
                f"{workflow.info().workflow_id}",
            ),
            start_to_close_timeout=DATABASE.start_to_close,
            retry_policy=DATABASE.retry,
            summary=f"notify staff #{self._sent}",
        )

    @workflow.run
    async def run(self, inp: EscalationInput) -> EscalationStatus:
        await workflow.execute_activity_method(
            EscalationActivities.record,
            inp,
            start_to_close_timeout=DATABASE.start_to_close,
            retry_policy=DATABASE.retry,
            summary="record escalation",
        )
        kind = "escalation"
        recipients: tuple[str, ...] = FIRST_RESPONDERS
        while self._ack is None and self._sent < inp.max_notifications:
            await self._notify(inp, kind, recipients)
            try:
                await workflow.wait_condition(
                    lambda: self._ack is not None, timeout=timedelta(seconds=inp.ack_timeout_s)
                )
            except TimeoutError:
                # Unanswered: remind, and widen the circle after the first reminder.
                kind = "escalation_reminder"
                recipients = WHEN_UNANSWERED if self._sent >= 2 else FIRST_RESPONDERS
        if self._ack is None:
            self._status = "unacknowledged"
        await workflow.execute_activity_method(
            EscalationActivities.close,
            CloseInput(
                workflow.info().workflow_id,
                self._status,
                self._sent,
                self._ack.user_id if self._ack else None,
                self._acked_at,
                self._ack.note if self._ack else None,
            ),
            start_to_close_timeout=DATABASE.start_to_close,
            retry_policy=DATABASE.retry,
            summary="close escalation",
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.get_status()
