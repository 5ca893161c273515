package dev.mailaccess.search;

import dev.mailaccess.MailAccessException;

/** A text query could not be parsed; {@link #position()} points at the mistake. */
public class QuerySyntaxException extends MailAccessException {
    /** Zero-based index of the mistake in the input. */
    private final int position;

    /**
     * Creates the exception; its message shows the input with a caret under the mistake.
     *
     * @param problem  what is wrong, e.g. {@code OR needs a term before it}
     * @param input    the whole query text
     * @param position zero-based index of the mistake in {@code input}
     */
    public QuerySyntaxException(String problem, String input, int position) {
        super(problem + " at position " + position + ":\n  " + input + "\n  " + " ".repeat(position) + "^");
        this.position = position;
    }

    /**
     * Where the mistake is.
     *
     * @return zero-based index into the input
     */
    public int position() {
        return position;
    }
}
