from . import text
