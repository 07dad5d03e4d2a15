/* billing.c — not written yet. */
