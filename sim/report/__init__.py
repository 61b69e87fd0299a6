"""Text from numbers: display tables, plain-language accounts, Markdown and the HTML report."""
