"""Parameter types shared by the controllers."""

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter, SkipValidation

from marketplace.entrypoints.http.services import HttpServices

Svc = NamedDependency[SkipValidation[HttpServices]]
UserId = NamedDependency[str]
ClientAddress = NamedDependency[str]
ViewerId = NamedDependency[SkipValidation[str | None]]
RateLimit = NamedDependency[SkipValidation[None]]
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="page size (default 20, at most 100)")]
Cursor = Annotated[str | None, QueryParameter(max_length=512, description="opaque cursor from `next_cursor`")]
BEARER: list[dict[str, list[str]]] = [{"BearerAuth": []}]
ProductRef = Annotated[str, PathParameter(description="the product's id; reads also take its slug")]
StoreRef = Annotated[str, PathParameter(description="the store's id or slug")]
