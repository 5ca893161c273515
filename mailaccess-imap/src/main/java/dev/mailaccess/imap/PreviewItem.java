package dev.mailaccess.imap;

import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.imap.protocol.FetchItem;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;

import java.nio.charset.StandardCharsets;

/**
 * The {@code PREVIEW} FETCH item (RFC 8970) for Angus's parser, which drops a FETCH answer with an item it does not
 * know: its value is the preview text ({@code ""} for NIL), read as UTF-8.
 */
final class PreviewItem extends FetchItem {
    static final String NAME = "PREVIEW";

    PreviewItem() {
        super(NAME, null);
    }

    @Override
    public Object parseItem(FetchResponse r) throws ParsingException {
        r.skipSpaces();
        var bytes = r.readByteArray(); // a quoted string, a literal or NIL
        return bytes == null ? "" : new String(bytes.getBytes(), bytes.getStart(), bytes.getCount(),
                StandardCharsets.UTF_8);
    }
}
