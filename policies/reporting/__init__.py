"""Reports that leave the room: the PDF report of an exercise (`pdf.render_pdf`), its executive summary
(`summary`), the results screen's figures made ready for paper (`figures`) and the formulas of its method
notes (`notation`)."""
