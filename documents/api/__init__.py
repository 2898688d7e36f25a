"""The registry API (``/api/v1/a/<agency>/registry/…``): thin DRF views over documents.registry."""
