package dev.mailaccess.spi;

import dev.mailaccess.Mailbox;

/** An adapter's session: a {@link Mailbox} that can also be torn down abruptly from another thread. */
public interface MailboxSession extends Mailbox {

    /** Closes the underlying sockets at once, making a call in progress on another thread fail promptly. */
    void abort();
}
