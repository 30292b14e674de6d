"""Stage 1, read: bytes on disk → text lines → header-aware raw rows with positions."""
