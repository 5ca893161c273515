/**
 * The adapter SPI: {@link MailboxProvider} and {@link MailboxSession}, what a protocol adapter implements.
 * Only adapters (mailaccess-imap, mailaccess-pop) and core's {@code MailAccess} and {@code internal} import it.
 * Callers never see it: core wraps every session and checks capabilities before any I/O.
 */
package dev.mailaccess.spi;
