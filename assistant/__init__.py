"""Use-case API of the Ofsted children's services assistant.

Importing this package does nothing: build an assistant with
:func:`assistant.app.build_assistant` from a :class:`core.settings.Settings`.
"""
