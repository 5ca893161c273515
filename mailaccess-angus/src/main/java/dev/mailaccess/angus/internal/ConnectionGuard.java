package dev.mailaccess.angus.internal;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Watches one connection's plaintext in both directions, for a protocol whose reader cannot bound itself (Angus's
 * POP3 reads lines of any length into memory): it sees each command go out and each answer come in, and throws an
 * {@link java.io.IOException} ({@link LimitExceededIOException}, {@link TooSlowIOException}) when the server crosses
 * a bound. Installed by {@link SocketRegistry} on every socket it creates.
 */
public interface ConnectionGuard {
    /** The stream the client reads the server's bytes from. */
    InputStream input(InputStream raw);

    /** The stream the client writes its commands to. */
    OutputStream output(OutputStream raw);

    /**
     * TLS now runs over this connection: what passes is ciphertext, which the guard of the TLS socket above sees
     * decrypted, so this one lets everything through unchecked.
     */
    void passThrough();

    /** What the guard threw when it cut the connection, or null: Angus's POP3 keeps only the text of it. */
    java.io.IOException failure();

    /** Makes a guard for a new connection. */
    interface Factory {
        /**
         * @param greeting whether the server speaks first on this connection (a new one), or answers only the next
         *                 command (a TLS socket started over an existing one)
         */
        ConnectionGuard create(boolean greeting);
    }
}
