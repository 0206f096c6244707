"""The provider sandboxes, driven over real HTTP."""
