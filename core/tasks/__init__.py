"""Tasks (待办): what waits for someone, with a due date and a link to where it is done."""
