"""One ASGI app for the intranet: the web chat at /, the REST API under /api,
authentication, embedding rules and limits — everything served from here,
nothing fetched from elsewhere."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from starlette.routing import Route

from app import api, tools, web
from app.assistant import Assistant
from app.config import Settings
from app.errors import BusyError, ConfigError, LimitError, QuestionError, StoreError, TreatyQAError
from app.limits import Guard


def content_security_policy(settings: Settings) -> str:
    """Nothing but this server: fonts, scripts, images and connections included;
    framing only by the allowed origins."""
    ancestors = " ".join(["'self'", *settings.origins])
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; "
        f"connect-src 'self'; frame-ancestors {ancestors}"
    )


class SecurityHeaders:
    """Adds the policy headers to every response (a pure ASGI middleware, so the
    chat's streamed responses pass through untouched)."""

    def __init__(self, app: Any, policy: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *self.headers]
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses request bodies over `limit` bytes with a 413 without reading them whole:
    at once when Content-Length says so; a body of unknown length is read up to the
    limit first, then handed on."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > self.limit:
                return await self._refuse(send)
            return await self.app(scope, receive, send)
        if headers.get(b"transfer-encoding") is None:
            return await self.app(scope, receive, send)  # no body
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.limit:
                return await self._refuse(send)
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay() -> dict[str, Any]:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Any) -> None:
        detail = f"The request is larger than {self.limit:,} bytes; send a shorter question or history."
        await JSONResponse({"detail": detail}, status_code=413)({"type": "http"}, _no_body, send)


async def _no_body() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


class Auth:
    """Who is asking, per TREATYQA_AUTH: anyone (none), holders of the shared
    token (token), or whoever the reverse proxy names in a header (header)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def user(self, request: Request) -> str | None:
        s = self.settings
        if s.auth == "header":
            return request.headers.get(s.auth_header) or None
        if s.auth == "token":
            scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
            supplied = request.headers.get("x-api-key") or (credentials if scheme.lower() == "bearer" else "")
            return "token" if self.token_matches(supplied.strip()) else None
        return "anonymous"

    def named(self, request: Request) -> str | None:
        """The user as the audit log keeps them: none when anyone may ask."""
        return None if self.settings.auth == "none" else self.user(request)

    def token_matches(self, supplied: str) -> bool:
        token = self.settings.auth_token
        if not (token and supplied):
            return False
        return hmac.compare_digest(supplied, token.get_secret_value())

    def client(self, request: Any) -> str:
        """The key limits count by: the user the proxy names, else the client's address
        (a user name typed at the password prompt proves nothing)."""
        if self.settings.auth == "header" and (user := request.headers.get(self.settings.auth_header)):
            return user
        return request.client.host if request.client else "unknown"

    def require(self, request: Request) -> str:
        user = self.user(request)
        if user is None:
            hint = "Bearer token" if self.settings.auth == "token" else f"{self.settings.auth_header} header"
            raise HTTPException(401, f"Authentication required ({hint}).", {"WWW-Authenticate": "Bearer"})
        return user

    def gradio_options(self) -> dict[str, Any]:
        s = self.settings
        if s.auth == "token":
            return {
                "auth": lambda _user, password: self.token_matches(password),
                "auth_message": "Enter the TreatyQA password (any user name).",
            }
        if s.auth == "header":
            return {"auth_dependency": self.user}
        return {}


class Guarded:
    """An ASGI app that FastAPI's dependencies do not reach (the MCP transport), served
    only to those `Auth.require` admits."""

    def __init__(self, app: Any, auth: Auth) -> None:
        self.app, self.auth = app, auth

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            self.auth.require(Request(scope))
        except HTTPException as exc:
            response = JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
            return await response(scope, receive, send)
        await self.app(scope, receive, send)


_STATUS = {QuestionError: 400, BusyError: 503, LimitError: 429, StoreError: 503, ConfigError: 500}


def _error_response(request: Request, exc: Exception) -> JSONResponse:
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, LimitError) else None
    return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)


def create_app(assistant: Assistant) -> FastAPI:
    import gradio as gr
    import swagger_ui_bundle

    settings = assistant.settings
    auth = Auth(settings)
    guard = Guard(settings.rate_limit, settings.max_concurrent)
    mcp = tools.build(assistant, guard, auth.client, auth.named, settings.host)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with mcp.session_manager.run():
            yield

    app = FastAPI(
        title="TreatyQA",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        root_path=settings.root_path,
        lifespan=lifespan,
    )
    handler: Callable[[Request, Exception], Awaitable[JSONResponse] | JSONResponse] = _error_response
    app.add_exception_handler(TreatyQAError, handler)
    app.include_router(
        api.router(assistant, guard, auth.client, auth.named), dependencies=[Depends(auth.require)]
    )

    # MCP tools for intranet assistants (streamable HTTP), behind the same authentication.
    app.router.routes.append(
        Route(
            "/mcp",
            Guarded(StreamableHTTPASGIApp(mcp.session_manager), auth),
            methods=["GET", "POST", "DELETE"],
            include_in_schema=False,
        )
    )

    docs_assets = "/api/docs-assets"
    app.mount(docs_assets, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        base = settings.root_path
        return get_swagger_ui_html(
            openapi_url=f"{base}/api/openapi.json",
            title="TreatyQA API",
            swagger_js_url=f"{base}{docs_assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{base}{docs_assets}/swagger-ui.css",
            swagger_favicon_url=f"{base}{docs_assets}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # the default validator is a remote service
        )

    @app.get("/gradio.js", include_in_schema=False)
    def web_component() -> FileResponse:
        """The loader of Gradio's <gradio-app> web component, served here instead of from a CDN."""
        return FileResponse(gr.__path__[0] + "/templates/frontend/gradio.js", media_type="text/javascript")

    # Our CORS policy replaces Gradio's own (which admits any localhost origin).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.origins,
        allow_credentials=True,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "X-API-Key"],
    )
    app.add_middleware(SecurityHeaders, policy=content_security_policy(settings))
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    demo = web.build(assistant, guard, auth.client, auth.named)
    return gr.mount_gradio_app(
        app,
        demo,
        path="/",
        root_path=settings.root_path or None,
        ssr_mode=False,
        theme=web.theme(),
        css=web.CSS,
        js=web.JS,
        footer_links=["api", "settings"],
        **auth.gradio_options(),
    )


def serve(assistant: Assistant) -> None:
    import uvicorn

    s = assistant.settings
    if s.auth == "none" and s.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Warning: listening on {s.host} without authentication; set TREATYQA_AUTH=token or header.")
    app = create_app(assistant)
    print(f"TreatyQA at http://{s.host}:{s.port}{s.root_path}/  (API docs: {s.root_path}/api/docs)")
    uvicorn.run(app, host=s.host, port=s.port, root_path=s.root_path, proxy_headers=True, log_level="warning")
