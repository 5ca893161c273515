package dev.mailaccess;

/**
 * An operation a mailbox may or may not offer, named by what the caller wants to do rather than by a protocol
 * extension. Ask {@link Mailbox#capabilities()} (live) or {@link MailAccess#capabilitiesOf(String)} (static) before
 * calling the operation; an {@link Support#UNSUPPORTED} operation throws {@link UnsupportedCapabilityException} before
 * any network I/O.
 */
public enum Capability {
    /** Read headers and envelopes without downloading bodies ({@link MailFolder#summaries}). */
    HEADERS("read headers without the body"),
    /** Stream a whole message ({@link MailFolder#openMessage(MessageRef)}). */
    BODY("stream a whole message"),
    /** Stream one MIME part, e.g. an attachment, without the rest ({@link MailFolder#openPart}). */
    BODY_PART("stream one MIME part without the rest"),
    /** Stream a byte range of a message ({@link MailFolder#openMessage(MessageRef, long, long)}). */
    PARTIAL_BODY("stream a byte range of a message"),
    /** Message references that stay valid across sessions and expunges. */
    STABLE_IDS("references that survive other messages being removed"),
    /** More than one folder: list, open, create and delete folders. */
    FOLDERS("several folders"),
    /** System flags (\Seen, \Answered, \Flagged, \Deleted, \Draft) kept on the server. */
    SERVER_FLAGS("system flags kept on the server"),
    /** User-defined keywords kept on the server. */
    CUSTOM_KEYWORDS("custom keywords kept on the server"),
    /** Search answered by the server ({@link MailFolder#search}). */
    SERVER_SEARCH("search answered by the server"),
    /** Copy messages to another folder. */
    COPY("copy messages to another folder"),
    /** Move messages to another folder. */
    MOVE("move messages to another folder"),
    /** Upload a message into a folder. */
    APPEND("upload a message into a folder"),
    /** Remove exactly the chosen messages for good, keeping others' deleted messages. */
    EXPUNGE("remove exactly the chosen messages for good"),
    /** Mark messages deleted. */
    DELETE("mark messages deleted"),
    /** Be told of new mail without polling ({@link MailFolder#awaitChange}). */
    PUSH("be told of new mail without polling"),
    /** Learn what changed since the last visit in a constant number of round trips. */
    QUICK_RESYNC("learn what changed since a known state in constant round trips"),
    /** Messages sorted by the server ({@link MailFolder#sort}). */
    SORT("messages sorted by the server"),
    /**
     * Log in with SASL beyond PLAIN: SCRAM (the password never crosses the wire, even inside TLS) or OAUTHBEARER;
     * see {@link MailboxConfig.Builder#authMechanism(AuthMechanism)}.
     */
    SASL_LOGIN("log in with SCRAM or OAUTHBEARER"),
    /** Compress the connection (IMAP COMPRESS=DEFLATE); see {@link MailboxConfig.Builder#compression(boolean)}. */
    COMPRESSION("compress the connection"),
    /** Read a folder's storage quota ({@link Mailbox#quota(String)}). */
    QUOTA("read the storage quota of a folder"),
    /** Messages grouped into conversations, RFC 5256 style ({@link MailFolder#threads}). */
    THREADS("messages grouped into conversations"),
    /** A line of each message's text in a listing ({@link FetchSpec.Item#PREVIEW}). */
    PREVIEW("a preview of each message's text in a listing"),
    /** New, removed and changed messages in several folders, as they happen ({@link Mailbox#watch}). */
    WATCH("be told of changes in several folders as they happen");

    private final String description;

    Capability(String description) {
        this.description = description;
    }

    /**
     * What the capability lets a caller do, in a few words.
     *
     * @return a short lower-case phrase, e.g. {@code stream a whole message}
     */
    public String description() {
        return description;
    }
}
