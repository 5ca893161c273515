package dev.mailaccess;

/**
 * Counters of a folder.
 *
 * @param path          folder path
 * @param messages      number of messages
 * @param unseen        messages without \Seen, -1 if the protocol cannot tell (POP3)
 * @param uidNext       next UID the server will assign, -1 if not applicable
 * @param uidValidity   UIDVALIDITY, -1 if not applicable
 * @param highestModSeq CONDSTORE HIGHESTMODSEQ, -1 if the server has none
 */
public record FolderStatus(String path, int messages, int unseen, long uidNext, long uidValidity,
                           long highestModSeq) {
}
