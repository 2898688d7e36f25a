"""Stored files (issue 3 §5): every file checked by its content, encrypted with its own key, kept in
Django storage under a server-chosen name, served as a download with safe headers.

- ``services``  file_prepare / file_record / file_store_derived / file_read / file_destroy_key /
                file_download_response (the public API);
- ``inspect``   what a file really is, and whether it is refused, accepted or quarantined;
- ``crypto``    AES-256-GCM per file, data keys wrapped by the installation's master key;
- ``storage``   the ``registry_files`` Django storage and the server-chosen names;
- ``names``     cleaning the uploaded name, safe download names and headers.

See docs/files.md.
"""
