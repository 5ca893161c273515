package dev.mailaccess;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives whole messages, one at a time, from {@link MailFolder#downloadMessages}. The stream is valid only during
 * the call; read it (to a file, a digest, a parser) before returning.
 */
@FunctionalInterface
public interface MessageSink {
    /**
     * @param ref    the message
     * @param rfc822 its RFC 5322 bytes
     * @throws IOException if the sink cannot take it; the download stops and the exception is passed on
     */
    void accept(MessageRef ref, InputStream rfc822) throws IOException;
}
