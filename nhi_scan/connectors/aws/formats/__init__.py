"""AWS input formats, one module each (discovered by :func:`nhi_scan.connectors.formats.all_formats`)."""
