"""Partner pushes of registry data, batch status, and the person look-up (issue: registry mirrors)."""

from ninja import Router

router = Router(tags=["联网数据"])
