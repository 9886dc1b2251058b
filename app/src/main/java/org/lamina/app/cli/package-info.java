/**
 * The {@code lamina} command line (picocli). Each subcommand collects options, calls
 * {@code analysis}, and prints a table or JSON; errors are one line and a non-zero exit.
 */
package org.lamina.app.cli;
