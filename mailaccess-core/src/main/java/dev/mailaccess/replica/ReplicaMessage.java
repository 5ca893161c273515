package dev.mailaccess.replica;

import dev.mailaccess.Flags;
import dev.mailaccess.MessageRef;

import java.time.Instant;

/**
 * A message of a {@link Replica} folder, read from local data only (the envelope fields from the local file's
 * headers, the system flags from the Maildir file name, keywords from the replica's state).
 *
 * @param folder     the replica folder (the server's folder name, or a local-only folder's name)
 * @param id         the local id, stable for the life of the message in this folder; used by the offline API
 * @param serverRef  the server reference as of the last sync, or null if the message is not on the server yet
 *                   (appended or moved offline) or the folder is local-only
 * @param flags      current local flags and keywords, including changes not yet pushed
 * @param size       size in bytes of the message
 * @param subject    the Subject header, unfolded and RFC 2047 decoded as the online listing shows it; empty if none
 *                   (for a message kept without its header, the server's envelope subject)
 * @param from       the From header's addresses as {@link dev.mailaccess.Address#toString()} shows them (display
 *                   names decoded), separated by {@code ", "}; empty if none
 * @param date       the Date header as stored, empty if none or not downloaded
 * @param messageId  the Message-ID header, empty if none
 * @param downloaded false if the message is larger than the replica's size limit and only known by its server data
 * @param pending    true if the message has local changes not yet pushed to the server
 * @param received   when the message was received: the server's INTERNALDATE for a message (or the header block of
 *                   one over the size limit) downloaded over IMAP, kept as the file's modification time as Dovecot
 *                   does; else when it was stored here (POP3 has no received date; a message added offline); null
 *                   if nothing of it is stored here
 * @param preview    up to 200 characters of the stored message's text, by the rules of the online preview
 *                   ({@link dev.mailaccess.FetchSpec.Item#PREVIEW}); null if its body is not stored here
 */
public record ReplicaMessage(String folder, String id, MessageRef serverRef, Flags flags, long size, String subject,
                             String from, String date, String messageId, boolean downloaded, boolean pending,
                             Instant received, String preview) {
}
