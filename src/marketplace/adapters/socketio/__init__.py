"""Pushing events to users' sockets through python-socketio (in process, or through Redis)."""
