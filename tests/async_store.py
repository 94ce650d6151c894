"""An asyncio store for the tests: a MemoryStore behind coroutines."""

from __future__ import annotations

from session_middleware.stores import MemoryStore, Record


class AsyncMemoryStore:
    """What an asyncio store looks like to a session: the store calls, as coroutines."""

    def __init__(self) -> None:
        self.inner = MemoryStore()

    async def load(self, token: str) -> Record | None:
        return self.inner.load(token)

    async def save(self, token: str, record: Record, *, create: bool) -> bool:
        return self.inner.save(token, record, create=create)

    async def destroy(self, token: str, user: str | None = None) -> bool:
        return self.inner.destroy(token, user)

    async def logout_everywhere(self, user: str) -> int:
        return self.inner.logout_everywhere(user)
