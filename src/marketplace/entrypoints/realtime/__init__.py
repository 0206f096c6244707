"""Socket.IO (python-socketio, ASGI) at /socket.io, served by the same process as the HTTP API."""
