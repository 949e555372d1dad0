"""The money figures: what the ledger says was raised, allocated and paid out, over time,
per project and per town; the wing's sections of `/reports`, its sheet of the monthly
statistics, and the public disclosure's figures (donations/disclosure/) read from here.

Everything is read from the journal, grouped in SQL, so the figures agree with the
books by construction.
"""
