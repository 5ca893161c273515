package dev.mailaccess;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What was fetched about one message. Fields that the {@link FetchSpec} did not ask for are null (objects) or -1
 * (size).
 *
 * @param ref          stable reference
 * @param envelope     envelope, if {@link FetchSpec.Item#ENVELOPE} was asked for
 * @param flags        flags, if {@link FetchSpec.Item#FLAGS} was asked for
 * @param size         size in bytes (RFC822.SIZE / POP3 LIST), if {@link FetchSpec.Item#SIZE}
 * @param internalDate the server's received date, if {@link FetchSpec.Item#INTERNAL_DATE}
 * @param structure    MIME structure, if {@link FetchSpec.Item#STRUCTURE}
 * @param headers      the requested headers (name as asked, decoded values in order), if any were asked for
 * @param preview      up to 200 characters of the message's text, if {@link FetchSpec.Item#PREVIEW}; empty for a
 *                     message without text
 */
public record MessageSummary(MessageRef ref, Envelope envelope, Flags flags, long size, Instant internalDate,
                             BodyPart structure, Map<String, List<String>> headers, String preview) {
    /**
     * Copies the headers.
     *
     * @param ref          stable reference
     * @param envelope     envelope, or null if not fetched
     * @param flags        flags, or null if not fetched
     * @param size         size in bytes, or -1 if not fetched
     * @param internalDate the server's received date, or null if not fetched
     * @param structure    MIME structure, or null if not fetched
     * @param headers      the requested headers by name; null is taken as none
     * @param preview      the preview, or null if not fetched
     */
    public MessageSummary {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /**
     * A summary without a preview.
     *
     * @param ref          stable reference
     * @param envelope     envelope, or null if not fetched
     * @param flags        flags, or null if not fetched
     * @param size         size in bytes, or -1 if not fetched
     * @param internalDate the server's received date, or null if not fetched
     * @param structure    MIME structure, or null if not fetched
     * @param headers      the requested headers by name; null is taken as none
     */
    public MessageSummary(MessageRef ref, Envelope envelope, Flags flags, long size, Instant internalDate,
                          BodyPart structure, Map<String, List<String>> headers) {
        this(ref, envelope, flags, size, internalDate, structure, headers, null);
    }

    /**
     * This summary with a preview.
     *
     * @param text the preview
     * @return a copy with {@link #preview()} set
     */
    public MessageSummary withPreview(String text) {
        return new MessageSummary(ref, envelope, flags, size, internalDate, structure, headers, text);
    }
}
