"""The audit trail of every change to a domain record."""
