"""The volunteers wing: volunteer accounts, vetting, programmes and shifts, mentoring and the pairing engine."""
