/**
 * The caller-facing API: {@link MailAccess}, {@link Mailbox}, {@link MailFolder}, values, capabilities, exceptions.
 * Anyone may import it, and every other package of the library does; it is what callers are promised.
 * It builds on {@code search} (queries in its signatures), {@code spi} and {@code internal} (behind MailAccess).
 */
package dev.mailaccess;
