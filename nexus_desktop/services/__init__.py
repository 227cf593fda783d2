"""Services: the Qt-free layer the UI talks to (packs, rendering, settings)."""
