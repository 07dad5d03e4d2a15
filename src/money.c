/* money.c — not written yet. */
