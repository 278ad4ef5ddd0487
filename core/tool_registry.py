"""Every clinic tool declared once: schema, roles, side effects; used by both planners."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from core.payloads import PATIENT_ROLE, STAFF_ROLES, ToolArgs
from core.tool_payloads import PART_WINDOWS

ParamType = Literal["integer", "string"]

EVERYONE = frozenset({PATIENT_ROLE, *STAFF_ROLES})
# Booking and insurance are front-desk work; prescriptions are clinical.
FRONT_DESK = frozenset({PATIENT_ROLE, "reception", "scheduler", "admin"})
CLINICAL = frozenset({PATIENT_ROLE, "reception", "nurse", "doctor"})
# Who a call is for comes from the caller's credentials. A model (or a pasted JSON) that
# names a patient, tenant or user is ignored rather than refused: the rest of the call may
# still be what the caller asked for, and it runs as the caller.
IDENTITY_FIELDS = frozenset(
    {"patient", "patient_id", "tenant", "tenant_id", "user", "user_id", "role", "caller"}
)
MAX_TEXT = 500


class ArgumentError(ValueError):
    """A proposed call does not fit its tool's declaration."""


# The largest integer a tool takes: ids are PostgreSQL INTEGER columns, and no count a tool
# reads comes near it. Larger values are refused here rather than by the database, where
# they would fail the action for good.
INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class Param:
    name: str  # a ToolArgs field
    type: ParamType
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    format: Literal["date", "date-time", ""] = ""
    minimum: int | None = None
    maximum: int | None = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "description": self.description}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.format:
            out["format"] = self.format
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None or self.type == "integer":
            out["maximum"] = self.maximum if self.maximum is not None else INT_MAX
        if self.type == "string" and not self.enum:
            out["maxLength"] = MAX_TEXT
        return out


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    params: tuple[Param, ...]
    roles: frozenset[str]
    side_effect: bool
    # Destructive: a model-proposed call waits for the user's yes (the conversation asks).
    confirm: bool = False
    # Acts on one patient's records, so a staff caller must name the patient first.
    needs_patient: bool = True

    @property
    def parameters(self) -> dict[str, Any]:
        """The JSON schema of the arguments; identity is never among them."""
        return {
            "type": "object",
            "properties": {p.name: p.schema() for p in self.params},
            "required": [p.name for p in self.params if p.required],
            "additionalProperties": False,
        }

    def allows(self, role: str) -> bool:
        return role in self.roles

    def openai(self) -> dict[str, Any]:
        """OpenAI's function-calling declaration (LiteLLM maps it for other providers)."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


_STAFF = Param("staff_id", "integer", "The provider's staff id, from get_availability.", minimum=1)
_START = Param(
    "start_local",
    "string",
    "Start as an ISO local date-time in the clinic's time zone, e.g. 2030-05-14T10:00:00.",
    required=True,
    format="date-time",
)
_APPOINTMENT = Param(
    "appointment_id", "integer", "The id of one of the caller's appointments.", True, minimum=1
)
_REASON = Param("reason", "string", "A short note in the caller's words.")

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "get_appointments",
        "List the caller's upcoming appointments.",
        (),
        EVERYONE,
        side_effect=False,
    ),
    ToolSpec(
        "get_availability",
        "Open appointment times: providers' working hours minus bookings, per site, in the "
        "clinic's time zone.",
        (
            Param("staff_id", "integer", "Only this provider.", minimum=1),
            Param("day_local", "string", "First day to search (ISO date).", format="date"),
            Param(
                "part_of_day",
                "string",
                "Only this part of the day.",
                enum=tuple(PART_WINDOWS),
            ),
            Param("span_days", "integer", "Days to search from day_local.", minimum=1, maximum=31),
        ),
        EVERYONE,
        side_effect=False,
        needs_patient=False,
    ),
    ToolSpec(
        "create_appointment",
        "Book the caller an appointment with a provider at a free start time.",
        (dataclasses.replace(_STAFF, required=True), _START, _REASON),
        FRONT_DESK,
        side_effect=True,
    ),
    ToolSpec(
        "cancel_appointment",
        "Cancel one of the caller's own upcoming appointments.",
        (_APPOINTMENT,),
        FRONT_DESK,
        side_effect=True,
        confirm=True,
    ),
    ToolSpec(
        "reschedule_appointment",
        "Move one of the caller's own appointments to a new start time, same provider.",
        (_APPOINTMENT, _START),
        FRONT_DESK,
        side_effect=True,
        confirm=True,
    ),
    ToolSpec(
        "check_insurance",
        "Show the insurance on the caller's file.",
        (),
        FRONT_DESK,
        side_effect=False,
    ),
    ToolSpec(
        "request_prescription_refill",
        "Request a refill of one of the caller's prescriptions. Refills remaining and the "
        "minimum interval since the last fill are checked; controlled medications go to "
        "clinical staff for review.",
        (Param("prescription_id", "integer", "The prescription's id.", True, minimum=1),),
        CLINICAL,
        side_effect=True,
        # Confirmed by name and strength first: a refill of the wrong drug is worse than a
        # question (the patient may mean a drug that is not on file).
        confirm=True,
    ),
    ToolSpec(
        "schedule_callback",
        "Ask the clinic to phone the caller at a time they name.",
        (_START, _REASON),
        EVERYONE,
        side_effect=True,
    ),
    ToolSpec(
        "search_knowledge_base",
        "Search the clinic's own articles (hours, policies, preparation, billing).",
        (Param("query", "string", "What to look up.", required=True),),
        EVERYONE,
        side_effect=False,
        needs_patient=False,
    ),
    ToolSpec(
        "escalate_to_human",
        "Hand the conversation to a person at the clinic: creates a staff task.",
        (_REASON,),
        EVERYONE,
        side_effect=True,
        needs_patient=False,
    ),
    ToolSpec(
        "get_clinic_contact",
        "The front desk's phone numbers, per site.",
        (_REASON,),
        EVERYONE,
        side_effect=False,
        needs_patient=False,
    ),
)
_BY_NAME = {t.name: t for t in TOOLS}


def tool_spec(name: str) -> ToolSpec | None:
    return _BY_NAME.get(name)


def tools_for(role: str) -> list[ToolSpec]:
    return [t for t in TOOLS if t.allows(role)]


def openai_tools(role: str) -> list[dict[str, Any]]:
    return [t.openai() for t in tools_for(role)]


def bind_arguments(spec: ToolSpec, raw: str | Mapping[str, Any] | None) -> ToolArgs:
    """Model-proposed arguments (a JSON object, or its text) checked against the schema.
    Identity fields are dropped; any other unknown field, a wrong type or a missing required
    argument refuses the whole call."""
    if raw is None or raw == "":
        data: Any = {}
    elif isinstance(raw, str):
        try:
            data = json.loads(raw)
        except ValueError as err:
            raise ArgumentError(f"{spec.name}: arguments are not JSON") from err
    else:
        data = raw
    if not isinstance(data, Mapping):
        raise ArgumentError(f"{spec.name}: arguments must be an object")
    declared = {p.name: p for p in spec.params}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in IDENTITY_FIELDS:
            continue
        param = declared.get(key)
        if param is None:
            raise ArgumentError(f"{spec.name}: unexpected argument {key!r}")
        if value is not None:
            values[key] = _checked(spec.name, param, value)
    missing = [p.name for p in spec.params if p.required and p.name not in values]
    if missing:
        raise ArgumentError(f"{spec.name}: missing {', '.join(missing)}")
    return ToolArgs(**values)


def _checked(tool: str, param: Param, value: Any) -> Any:
    where = f"{tool}.{param.name}"
    if param.type == "integer":
        # JSON has one number type: 3.0 is an integer, 3.5 and true are not.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ArgumentError(f"{where}: expected an integer")
        if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
            raise ArgumentError(f"{where}: expected an integer")  # NaN, Infinity, 1e400, 3.5
        number = int(value)
        if param.minimum is not None and number < param.minimum:
            raise ArgumentError(f"{where}: below {param.minimum}")
        maximum = param.maximum if param.maximum is not None else INT_MAX
        if number > maximum:
            raise ArgumentError(f"{where}: above {maximum}")
        return number
    if not isinstance(value, str):
        raise ArgumentError(f"{where}: expected a string")
    text = value.strip()[:MAX_TEXT]
    if param.enum and text not in param.enum:
        raise ArgumentError(f"{where}: expected one of {', '.join(param.enum)}")
    try:
        if param.format == "date":
            date.fromisoformat(text)
        elif param.format == "date-time":
            datetime.fromisoformat(text)
    except ValueError as err:
        raise ArgumentError(f"{where}: not an ISO {param.format}") from err
    return text
