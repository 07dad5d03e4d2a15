/* vat.c — not written yet. */
