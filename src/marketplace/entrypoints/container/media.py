"""The media context's use cases: presigned uploads, their completion, downloads and clean-up."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.media.cleanup import CleanUpMedia
from marketplace.application.media.downloads import DownloadMedia
from marketplace.application.media.uploads import CompleteUpload, RequestUpload
from marketplace.entrypoints.container.core import Core

uow, clock, storage = Core.uow, Core.clock, Core.storage


class MediaServices(Core):
    request_upload = providers.Singleton(RequestUpload, uow=uow, storage=storage, clock=clock, ids=Core.ids)
    clean_up_media = providers.Singleton(CleanUpMedia, uow=uow, storage=storage, clock=clock)
    download_media = providers.Singleton(
        DownloadMedia, uow=uow, storage=storage, queries=Core.catalog_queries, chat=Core.chat
    )
    complete_upload = providers.Singleton(
        CompleteUpload,
        uow=uow,
        storage=storage,
        images=Core.images,
        clock=clock,
        base_url=Core.settings.provided.base_url,
    )
