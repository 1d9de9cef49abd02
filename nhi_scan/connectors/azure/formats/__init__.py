"""Azure input formats, one module each (Graph collections, az CLI ARM arrays, AzureHound), found by discovery."""
