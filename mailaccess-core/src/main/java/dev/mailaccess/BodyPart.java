package dev.mailaccess;

import java.util.List;

/**
 * One node of a message's MIME structure.
 *
 * @param path        the IMAP section path, e.g. {@code 1}, {@code 2.1}; empty for the message itself when it is
 *                    not multipart. Pass it to {@link MailFolder#openPart}.
 * @param contentType lower-case MIME type without parameters, e.g. {@code text/plain}
 * @param charset     charset parameter, empty if none
 * @param fileName    file name (Content-Disposition or Content-Type name), decoded; empty if none
 * @param disposition {@code inline}, {@code attachment} or empty
 * @param encoding    Content-Transfer-Encoding, lower case, empty if none
 * @param size        encoded size in bytes as the server reports it, -1 if unknown
 * @param children    sub-parts of a multipart, empty otherwise
 */
public record BodyPart(String path, String contentType, String charset, String fileName, String disposition,
                       String encoding, long size, List<BodyPart> children) {
    /**
     * Copies the children.
     *
     * @param path        the IMAP section path; empty for a message that is not multipart
     * @param contentType lower-case MIME type without parameters
     * @param charset     charset parameter, empty if none
     * @param fileName    decoded file name, empty if none
     * @param disposition {@code inline}, {@code attachment} or empty
     * @param encoding    Content-Transfer-Encoding, lower case, empty if none
     * @param size        encoded size in bytes, -1 if unknown
     * @param children    sub-parts, empty for a part that is not multipart; must not be null
     */
    public BodyPart {
        children = List.copyOf(children);
    }

    /**
     * Whether this part contains other parts.
     *
     * @return true if the content type is {@code multipart/*}
     */
    public boolean isMultipart() {
        return contentType.startsWith("multipart/");
    }

    /**
     * Whether this part is an attachment.
     *
     * @return true if the part is marked {@code attachment}, or has a file name and is not multipart
     */
    public boolean isAttachment() {
        return "attachment".equals(disposition) || (!fileName.isEmpty() && !isMultipart());
    }

    /**
     * This part and every descendant, depth first.
     *
     * @return an immutable list starting with this part
     */
    public List<BodyPart> flatten() {
        List<BodyPart> out = new java.util.ArrayList<>();
        collect(this, out);
        return List.copyOf(out);
    }

    private static void collect(BodyPart p, List<BodyPart> out) {
        out.add(p);
        for (BodyPart c : p.children) {
            collect(c, out);
        }
    }
}
