"""The saraban registry (ทะเบียนหนังสือ): books, gapless yearly numbers, letters, files, secrecy.

Modules: ``numbering`` (allocation, the legal core), ``references`` (printed ที่), ``services``
(register, reserve, amend, annul), ``selectors`` (reads, secrecy-aware), ``books`` (default books).
"""
