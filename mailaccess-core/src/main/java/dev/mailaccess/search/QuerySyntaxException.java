package dev.mailaccess.search;

import dev.mailaccess.MailAccessException;

/** A text query could not be parsed; {@link #position()} points at the mistake. */
public class QuerySyntaxException extends MailAccessException {
    private final int position;

    public QuerySyntaxException(String problem, String input, int position) {
        super(problem + " at position " + position + ":\n  " + input + "\n  " + " ".repeat(position) + "^");
        this.position = position;
    }

    /** Zero-based index into the input. */
    public int position() {
        return position;
    }
}
