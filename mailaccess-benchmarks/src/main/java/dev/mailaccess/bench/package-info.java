/**
 * The benchmark harness: scenarios that measure mailaccess against raw-socket floors and peer tools in one run,
 * and the report they print. Imports the library and the test kit; nothing imports it.
 */
package dev.mailaccess.bench;
