"""The levy estimate (残保金计算器) for other systems."""

from ninja import Router

router = Router(tags=["残保金计算器"])
