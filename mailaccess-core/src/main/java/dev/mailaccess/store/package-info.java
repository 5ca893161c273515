/**
 * The local store: {@link Maildir}, a Maildir on disk (Dovecot, mutt and mbsync read it) written the durable way.
 * Public API: applications may import it; in core, {@code offline} and {@code replica} build on it.
 * It imports only the caller-facing API.
 */
package dev.mailaccess.store;
