"""The bundled sample payer portal: fake payer sites whose documents change across epochs.

Used by ``payerwatch demo`` and by the crawler / extractor / differ integration tests. See README.md
in this folder for the URL layout and ``content/expected.yaml`` for what each epoch changes.
"""

from .build import Document, build_site
from .content import load_expected, max_epoch
from .server import PortalServer
from .sources import portal_sources

__all__ = ["Document", "PortalServer", "build_site", "load_expected", "max_epoch", "portal_sources"]
