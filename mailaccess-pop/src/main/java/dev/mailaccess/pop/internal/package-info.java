/**
 * The POP3 adapter's workings over Angus: session and folder, the maildrop's UIDL index, pipelined RETR on the raw
 * socket, the guard that bounds what the server sends, spooling to disk and the capabilities POP3 declares.
 * Imported only by {@code dev.mailaccess.pop} and this module's tests; not API.
 */
package dev.mailaccess.pop.internal;
