"""Services: the functions that write; views, commands and tasks call them instead of writing to the ORM."""
