/* catalog.c — not written yet. */
