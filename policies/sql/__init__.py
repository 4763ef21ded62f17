"""Hand-written SQL for the two requests a full workshop room makes hundreds of times a second: a participant's
poll (`rows`: model instances read with the ORM's own converters) and a score save (`score_cells`: the cell and its
history row in as few statements as the database allows). Everything else goes through the ORM."""
