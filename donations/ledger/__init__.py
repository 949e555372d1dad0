"""The double-entry ledger: accounts, balanced journal entries in integer fen, checks."""
