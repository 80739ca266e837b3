"""PDF rendering (WeasyPrint) of the HTML documents the views compose."""

from __future__ import annotations

from weasyprint import HTML

# DejaVu carries every Latvian letter (ā, č, ē, ģ, ī, ķ, ļ, ņ, š, ū, ž) and is on every host.
BASE_CSS = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: 'DejaVu Sans', sans-serif; font-size: 11pt; color: #111; }
h1 { font-size: 20pt; margin: 0 0 6mm; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #bbb; padding: 2mm; text-align: left; vertical-align: top; }
.muted { color: #555; font-size: 9pt; }
.center { text-align: center; }
"""


def pdf_from_html(html: str, base_url: str | None = None) -> bytes:
    """Render a complete HTML document to PDF bytes."""
    return bytes(HTML(string=html, base_url=base_url).write_pdf())
