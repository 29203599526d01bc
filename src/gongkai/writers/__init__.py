"""Writers: a Report → files in the official layout. One module per output type."""
