"""Generator of the Pishkhan transparency portal: YAML and Markdown in, a static Persian site out."""
