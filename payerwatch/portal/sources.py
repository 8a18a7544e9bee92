"""placeholder"""


def portal_sources(base_url: str) -> list[dict]:
    return []
