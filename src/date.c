/* date.c — not written yet. */
