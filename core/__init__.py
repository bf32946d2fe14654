"""The serving core: view state, datasets per data version, counting, texts (no Dash or Flask)."""
