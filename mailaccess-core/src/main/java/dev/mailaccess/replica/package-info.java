/**
 * Disconnected mode: {@link Replica}, a local copy of chosen folders to read and change offline and sync on reconnect.
 * Public API (Replica, ReplicaMessage, ReplicaThread, SyncReport, ReplicaInUseException): anyone may import it; nothing in core does.
 * The rest is package-private, one concern a class behind the Replica facade, whose class comment gives the design.
 */
package dev.mailaccess.replica;
