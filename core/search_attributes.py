"""Custom search attributes that make runs findable in the Temporal UI by business keys."""

from temporalio.common import SearchAttributeKey

TENANT_ID = SearchAttributeKey.for_keyword("TenantId")
SESSION_ID = SearchAttributeKey.for_keyword("SessionId")
PATIENT_ID = SearchAttributeKey.for_keyword("PatientId")
INTENT = SearchAttributeKey.for_keyword("Intent")

ALL = (TENANT_ID, SESSION_ID, PATIENT_ID, INTENT)
