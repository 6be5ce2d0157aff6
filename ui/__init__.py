"""The chat window (Gradio): ``ui.app.create_app`` / ``ui.app.serve``."""
