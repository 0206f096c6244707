"""Media over HTTP: announce an upload, complete it, download; and the local adapter's signed file route."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.exceptions import ClientException
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Redirect

from marketplace.adapters.storage.local import LocalObjectStorage
from marketplace.application.errors import Forbidden, NotFound
from marketplace.application.media.uploads import UploadRequest
from marketplace.application.media.views import MediaDetail, UploadTicket
from marketplace.domain.media.kinds import MIB
from marketplace.domain.media.media import is_staging_key
from marketplace.domain.shared.errors import InvalidValue
from marketplace.entrypoints.http.controllers._types import BEARER, Svc, UserId, ViewerId
from marketplace.entrypoints.http.problems import problem_responses
from marketplace.entrypoints.http.schemas.media import UploadBody

Expires = Annotated[int, QueryParameter(description="Unix time the signed URL stops working")]
Signature = Annotated[str, QueryParameter(max_length=128, description="HMAC of the request")]
MAX_UPLOAD = 10 * MIB
Size = Annotated[int, QueryParameter(ge=1, le=MAX_UPLOAD, description="the most bytes the upload may send")]


class MediaController(Controller):
    path = "/api/v1/media"
    tags = ["Media"]

    @post(
        "/uploads",
        status_code=201,
        operation_id="requestUpload",
        summary="Ask for an upload URL",
        security=BEARER,
        responses=problem_responses(400, 401, 422),
    )
    async def request_upload(self, data: JSONBody[UploadBody], services: Svc, user_id: UserId) -> UploadTicket:
        request = UploadRequest(
            filename=data.filename, content_type=data.content_type, size=data.size, purpose=data.purpose
        )
        return await services.request_upload(user_id, request)

    @post(
        "/{media_id:str}/complete",
        status_code=200,
        operation_id="completeUpload",
        summary="Check the uploaded bytes and finish the upload",
        security=BEARER,
        responses=problem_responses(400, 401, 404, 409, 422),
    )
    async def complete(self, media_id: FromPath[str], services: Svc, user_id: UserId) -> MediaDetail:
        return await services.complete_upload(user_id, media_id)

    @get(
        "/{media_id:str}",
        operation_id="downloadMedia",
        summary="Redirect to the media's bytes",
        status_code=302,
        responses=problem_responses(400, 401, 404),
    )
    async def download(self, media_id: FromPath[str], services: Svc, viewer_id: ViewerId) -> Redirect:
        return Redirect(await services.download_media(viewer_id, media_id), status_code=302)

    @get(
        "/{media_id:str}/thumbnail",
        operation_id="downloadThumbnail",
        summary="Redirect to the thumbnail",
        status_code=302,
        responses=problem_responses(400, 401, 404),
    )
    async def thumbnail(self, media_id: FromPath[str], services: Svc, viewer_id: ViewerId) -> Redirect:
        return Redirect(await services.download_media(viewer_id, media_id, thumbnail=True), status_code=302)


async def _body_of_at_most(request: Request[Any, Any, Any], size: int) -> bytes:
    """The body, refused with 413 as soon as it proves longer than `size` (without reading the rest)."""
    too_large = ClientException(f"the upload is larger than the announced {size} bytes", status_code=413)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > size:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > size:
            raise too_large
    return bytes(body)


def _local(services: Any) -> LocalObjectStorage:
    if not isinstance(services.storage, LocalObjectStorage):
        raise NotFound("file route")  # only the local adapter signs URLs to the app itself
    return services.storage


class MediaFileController(Controller):
    """The local adapter's presigned URLs: the signature and expiry stand in for a token."""

    path = "/api/v1/media/files"
    tags = ["Media"]
    include_in_schema = False

    @put("/{key:path}", status_code=200, request_max_body_size=MAX_UPLOAD)
    async def upload(
        self,
        key: FromPath[str],
        expires: Expires,
        size: Size,
        signature: Signature,
        request: Request[Any, Any, Any],
        services: Svc,
    ) -> Response[None]:
        """Writes only a staging key, as the signed content type, at most the signed size."""
        storage, key = _local(services), key.lstrip("/")
        content_type = request.headers.get("content-type", "")
        storage.verify("PUT", key, expires, signature, content_type, size)
        if not is_staging_key(key):
            raise Forbidden("uploads write only to staging keys")  # a completed media's key is never writable
        body = await _body_of_at_most(request, size)
        if not body:
            raise InvalidValue("body", "an upload needs bytes")
        await storage.put(key, body, content_type)
        return Response(None, status_code=200)

    @get("/{key:path}", media_type="application/octet-stream")
    async def fetch(self, key: FromPath[str], expires: Expires, signature: Signature, services: Svc) -> Response[bytes]:
        storage = _local(services)
        storage.verify("GET", key.lstrip("/"), expires, signature)
        stored = await storage.head(key.lstrip("/"))
        data = await storage.read(key.lstrip("/"))
        if stored is None or data is None:
            raise NotFound("file", key)
        return Response(
            data,
            media_type=stored.content_type,
            headers={"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"},
        )
