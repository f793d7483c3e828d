"""advisor: choose PyTorch or TensorFlow for a deep-learning project, then generate it."""

__version__ = "0.1.0"
