"""Shuangyong (双拥): a district's double-support work and model-city campaign platform."""

__version__ = "0.1.0"
