"""The ground floor: database, money, encryption, privacy, audit, org units, staff, people, needs.

Nothing here imports another package of the project (docs/architecture.md).
"""
