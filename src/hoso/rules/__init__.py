"""Rules: small units with stable ids, grouped by family, run by `engine.run`."""
