"""Use-case API of the Ofsted children's services assistant.

Importing this package does nothing. Every client (the command line, the window) calls the
facade, :class:`assistant.service.Library`: ``Library.open(settings)`` opens it on the
assistant :func:`assistant.app.build_assistant` wires from a :class:`core.settings.Settings`.
"""
