"""Employers, openings, referrals and retention follow-ups."""
