/**
 * The IMAP adapter over Eclipse Angus Mail. Register nothing by hand: {@link dev.mailaccess.MailAccess} finds
 * {@link dev.mailaccess.imap.ImapProvider} through {@link java.util.ServiceLoader} when this module is on the class
 * path. Messages are addressed by UIDVALIDITY + UID only; listings are one batched FETCH; bodies stream with
 * {@code BODY.PEEK} in 256 KB partial fetches; expunges are {@code UID EXPUNGE} of exactly the chosen messages.
 */
package dev.mailaccess.imap;
