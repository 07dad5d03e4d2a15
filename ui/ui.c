/* ui.c — not written yet. */
