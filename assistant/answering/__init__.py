"""Answer writers: the offline extractive mode (language-model modes come later)."""
