"""The charity's public disclosure (慈善信息公示, Charity Law): per fundraising project, what
was raised, what was used and what for (by category and town, never a person, small
cells merged), and its fundraising registration number; a page anyone may read without
signing in, and the same figures as CSV or XLSX.
"""
