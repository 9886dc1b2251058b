/** The Lamina application: the {@code lamina} command line and (with issue #4) the JavaFX workbench. */
package org.lamina.app;
