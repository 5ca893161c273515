/**
 * Offline mode: {@link OfflineFetch} downloads mail into a Maildir, then deletes it on the server as its policy says.
 * Public API: applications and the other modules may import it; nothing else in core does.
 * Builds on the caller-facing API, {@code dev.mailaccess.store} (the Maildir) and {@code dev.mailaccess.internal}.
 */
package dev.mailaccess.offline;
