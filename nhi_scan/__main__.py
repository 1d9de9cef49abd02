"""Allow `python -m nhi_scan`."""

from nhi_scan.cli import main

main()
