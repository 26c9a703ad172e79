"""EmbedLab: learn, train and explore word embeddings.

The core package never imports streamlit: everything a page can do, a test or the
command line (``python -m embedlab``) can do by calling these modules.
"""

from embedlab.errors import EmbedLabError

__all__ = ["EmbedLabError"]
__version__ = "0.1.0"
