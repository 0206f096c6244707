"""The HTTP entrypoint: Litestar app, controllers, request schemas, problem details."""
