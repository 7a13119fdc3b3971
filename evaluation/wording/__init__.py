"""The workbench's words in every language it speaks, and numbers written the way each language
writes them."""
