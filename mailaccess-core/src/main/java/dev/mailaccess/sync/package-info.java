/**
 * Mail on this machine: offline mode ({@link dev.mailaccess.sync.OfflineFetch}: download into a Maildir, then delete
 * on the server by policy) and disconnected mode ({@link dev.mailaccess.sync.Replica}: a local replica that can be
 * read and changed offline and is made one with the server by {@link dev.mailaccess.sync.Replica#sync}; see its
 * class comment for the on-disk layout, the sync paths and the conflict rules).
 */
package dev.mailaccess.sync;
