"""Multi-vendor marketplace backend: a hexagon of domain, application, adapters and entrypoints."""

__version__ = "0.1.0"
