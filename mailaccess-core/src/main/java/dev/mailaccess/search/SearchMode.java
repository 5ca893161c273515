package dev.mailaccess.search;

/** Where {@link dev.mailaccess.MailFolder#search(SearchQuery, SearchMode)} evaluates a query. */
public enum SearchMode {
    /**
     * The default: what the server can answer goes to the server in one command, the rest is evaluated locally on
     * the candidates with the least data that suffices (see {@link SearchPlanner}).
     */
    PLANNED,
    /**
     * Everything on the server; fails with {@link dev.mailaccess.UnsupportedCapabilityException} if a predicate
     * cannot go there (e.g. {@code has:attachment}, or anything on POP3).
     */
    SERVER_ONLY,
    /** Everything locally on downloaded data (headers, bodies, flags, sizes): what a replica does. */
    LOCAL_ONLY
}
