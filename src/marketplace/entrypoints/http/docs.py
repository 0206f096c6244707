"""The API's interactive docs at /docs, with Swagger UI 5's assets served by the app (no CDN).

Swagger UI 5 renders OpenAPI 3.1 (the 4.x of PyPI's swagger-ui-bundle refuses it); PyPI's
openapi-ui-bundles ships its files.
"""

from typing import Any

from litestar import Response, get
from litestar.static_files import create_static_files_router
from openapi_ui_bundles import swagger_ui

ASSETS = swagger_ui.static_path

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Marketplace API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script></body></html>"""

START = """window.ui = SwaggerUIBundle({url: "/schema/openapi.json", dom_id: "#swagger-ui", deepLinking: true});"""


@get("/docs", include_in_schema=False, media_type="text/html")
async def docs_page() -> Response[str]:
    return Response(PAGE, media_type="text/html")


@get("/docs/start.js", include_in_schema=False, media_type="application/javascript")
async def docs_start() -> Response[str]:
    return Response(START, media_type="application/javascript")


docs_assets = create_static_files_router(path="/docs/assets", directories=[ASSETS], include_in_schema=False)
ROUTES: list[Any] = [docs_page, docs_start, docs_assets]
