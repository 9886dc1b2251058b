/**
 * Figures and their export (DESIGN.md §4). A {@link org.lamina.analysis.export.Figure} draws
 * itself with Java2D and carries its numbers as a {@link org.lamina.analysis.export.FigureData}
 * table; {@link org.lamina.analysis.export.FigureExporter} writes it as PNG (at a chosen DPI),
 * SVG (JFreeSVG), PDF (JFree PDF) or CSV at a paper-column width. The same code serves the GUI
 * ("Export figure…") and the command line ({@code lamina replay}).
 */
package org.lamina.analysis.export;
