/**
 * Test support shipped in the plugin API's test jar: {@link org.lamina.plugins.api.testing.HeadlessContext},
 * the shell every panel's headless tests create their view in.
 */
package org.lamina.plugins.api.testing;
