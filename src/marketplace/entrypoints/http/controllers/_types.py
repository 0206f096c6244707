"""Parameter types shared by the controllers."""

from typing import Annotated, Any

from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter, SkipValidation

from marketplace.entrypoints.http.dependencies import Services

Svc = NamedDependency[SkipValidation[Services]]
UserId = NamedDependency[str]
ClientAddress = NamedDependency[str]
ViewerId = NamedDependency[SkipValidation[Any]]
RateLimit = NamedDependency[SkipValidation[Any]]
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="page size (default 20, at most 100)")]
Cursor = Annotated[str | None, QueryParameter(max_length=512, description="opaque cursor from `next_cursor`")]
BEARER: list[dict[str, list[str]]] = [{"BearerAuth": []}]
ProductRef = Annotated[str, PathParameter(description="the product's id; reads also take its slug")]
StoreRef = Annotated[str, PathParameter(description="the store's id or slug")]
