/* store_schema.c — not written yet. */
