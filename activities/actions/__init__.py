"""Actions: side-effecting tools run as retryable units, recorded when they fail for good."""
