package dev.mailaccess;

/** How the connection is protected. Certificates and host names are always verified when TLS is used. */
public enum TlsMode {
    /** TLS from the first byte (imaps, port 993; pop3s, port 995). */
    IMPLICIT,
    /** Plain connect, then STARTTLS (IMAP) or STLS (POP3), required: a server that does not offer it is refused. */
    STARTTLS,
    /** No encryption at all. Must be chosen explicitly; passwords travel in clear text. */
    NONE
}
