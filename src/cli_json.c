/* cli_json.c — not written yet. */
