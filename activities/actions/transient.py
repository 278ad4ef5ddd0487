"""Which database failures are transient (retry the action) and how Temporal is told so."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from temporalio.exceptions import ApplicationError

from core.actions import ACTION_INPUT_REFUSED, ACTION_TRANSIENT

# PostgreSQL SQLSTATEs that say "try again", not "this is wrong": serialization failure,
# deadlock, lock not available, statement cancelled (a timeout), and the server shutting down
# or refusing connections for now. Class 08 (connection exceptions) and 53 (out of resources)
# are transient as a whole.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03"})
_TRANSIENT_CLASSES = ("08", "53")


def is_transient(err: BaseException) -> bool:
    """True when the same attempt could succeed later: the world failed, not the input."""
    if isinstance(err, IntegrityError):
        return False  # a constraint said no: a race or a business rule, never a hiccup
    if isinstance(err, OperationalError | PoolTimeout):
        return True  # SQLite's "database is locked", a lost connection, an exhausted pool
    if isinstance(err, DBAPIError):
        if err.connection_invalidated:
            return True
        state = getattr(err.orig, "sqlstate", None) or getattr(err.orig, "pgcode", None)
        if isinstance(state, str):
            return state in _TRANSIENT_SQLSTATES or state.startswith(_TRANSIENT_CLASSES)
        return False
    # Refused or reset connections, and timeouts, before the driver could wrap them.
    return isinstance(err, OSError)


def transient_failure(err: BaseException) -> ApplicationError:
    """The error an attempt raises so Temporal retries it. The message names the failure's
    type only: a driver's message can quote the statement's parameters (patient data)."""
    state = getattr(getattr(err, "orig", None), "sqlstate", None)
    detail = f"{type(err).__name__}, SQLSTATE {state}" if state else type(err).__name__
    return ApplicationError(f"database unavailable ({detail})", type=ACTION_TRANSIENT)


def is_refused_input(err: BaseException) -> bool:
    """True when the database can never store what the attempt carried: PostgreSQL's data
    exceptions (class 22: a number out of the column's range, a NUL or an unencodable
    character), and what SQLite's driver raises before the statement for the same inputs."""
    if isinstance(err, OverflowError | UnicodeEncodeError):
        return True
    if isinstance(err, DBAPIError) and not err.connection_invalidated:
        state = getattr(err.orig, "sqlstate", None) or getattr(err.orig, "pgcode", None)
        return isinstance(state, str) and state.startswith("22")
    return False


def refused_input_failure(err: BaseException) -> ApplicationError:
    """Not retried: the same input fails the same way. Only the failure's type is named; the
    driver's message quotes the offending value, which is the patient's own text."""
    state = getattr(getattr(err, "orig", None), "sqlstate", None)
    detail = f"{type(err).__name__}, SQLSTATE {state}" if state else type(err).__name__
    return ApplicationError(
        f"the database refused the request's values ({detail})",
        type=ACTION_INPUT_REFUSED,
        non_retryable=True,
    )
