"""Safety: emergency triage on the way in, PII redaction on the way in and out."""
