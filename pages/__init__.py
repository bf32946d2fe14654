"""The dashboard screen: its data bundle, layout and callbacks (``app.create_app`` wires them)."""
