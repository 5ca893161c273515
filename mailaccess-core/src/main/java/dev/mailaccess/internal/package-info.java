/**
 * Not API: machinery core shares between its packages and with the adapters (checked sessions, search execution).
 * Only core itself, the IMAP and POP3 adapters and the testkit may import it; it may change in any release.
 * It imports the caller-facing API, {@code search} and {@code spi}, never an adapter.
 */
package dev.mailaccess.internal;
