"""The lifter's own tokens, per device: issue, list, refresh, revoke."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.auth import CurrentLifter, CurrentToken
from api.routes.common import ERRORS, Id, Limit, Offset
from api.services import tokens
from api.services.tokens import TokenCreate, TokenIssued, TokenList, TokenRefresh
from api.state import app_state

router = APIRouter(prefix="/v1/me/tokens", tags=["tokens"], responses=ERRORS)


@router.post("", status_code=201, response_model=TokenIssued)
def create_token(request: Request, lifter_id: CurrentLifter, body: TokenCreate) -> TokenIssued:
    """A new token for a device (shown once), optionally expiring after `expires_in_days`.
    The lifter's other tokens keep working."""
    return tokens.issue(app_state(request), lifter_id, body)


@router.get("", response_model=TokenList)
def list_tokens(
    request: Request, current: CurrentToken, limit: Limit = 50, offset: Offset = 0
) -> TokenList:
    """The lifter's live (unrevoked) tokens, oldest first, a page at a time, never their
    secrets; `current` marks this one."""
    return tokens.list_tokens(app_state(request), current.lifter_id, current, limit, offset)


@router.post("/refresh", response_model=TokenIssued)
def refresh_token(
    request: Request, current: CurrentToken, body: TokenRefresh | None = None
) -> TokenIssued:
    """A new token for the calling token's device (shown once); that device's earlier tokens
    stop working at once, the lifter's other devices stay signed in. Without
    `expires_in_days`, the new token lives as long as the calling one did."""
    return tokens.refresh(app_state(request), current, body or TokenRefresh())


@router.delete("/{token_id}", status_code=204, response_class=Response)
def revoke_token(request: Request, lifter_id: CurrentLifter, token_id: Id) -> Response:
    """Revokes one of the lifter's tokens; it is refused at once (404 if not the lifter's)."""
    tokens.revoke(app_state(request), lifter_id, token_id)
    return Response(status_code=204)
