"""Nexus Desktop: an offline study app for the Project Nexus backend-engineering hub."""

__version__ = "0.1.0"
