package dev.mailaccess.angus.internal;

import dev.mailaccess.AuthenticationException;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailTimeoutException;
import dev.mailaccess.ProtocolException;
import dev.mailaccess.QuotaExceededException;
import dev.mailaccess.ServerBusyException;
import dev.mailaccess.ServerLimitException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderClosedException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;

/** Turns Angus / Jakarta Mail and socket failures into the library's exception hierarchy, by meaning. */
public final class Errors {
    private Errors() {
    }

    /**
     * Translates a failure. {@code where} says what was being done, e.g. "listing folders on imaps://a@b:993";
     * it must not contain secrets.
     */
    public static MailAccessException translate(Exception e, String where) {
        if (e instanceof MailAccessException m) {
            return m;
        }
        MailAccessException byCode = fromResponseCode(e, where);
        if (byCode != null) {
            return byCode;
        }
        if (e instanceof AuthenticationFailedException) {
            return new AuthenticationException("authentication failed " + where + ": " + serverText(e), e);
        }
        if (e instanceof jakarta.mail.FolderNotFoundException fnf) {
            return new FolderNotFoundException(fnf.getFolder() == null ? "?" : fnf.getFolder().getFullName(), e);
        }
        Throwable io = ioCause(e);
        if (io != null) {
            return fromIo(io, where, e);
        }
        if (e instanceof FolderClosedException || e instanceof StoreClosedException) {
            return new ConnectionException("connection lost " + where + ": " + serverText(e), true, e);
        }
        if (e instanceof IOException ioe) {
            return fromIo(ioe, where, e);
        }
        String text = serverText(e);
        if (text.contains("STARTTLS") || text.contains("STLS")) {
            return new ConnectionException("TLS required but " + where + " the server does not offer it ("
                    + text + "); refusing to continue without encryption", false, e);
        }
        return new ProtocolException("the server refused or garbled a command " + where + ": " + text, e);
    }

    /** Response codes (RFC 5530 for IMAP, RFC 2449 and RFC 3206 for POP3) that decide what a refusal means. */
    private static final List<String> CODES = List.of("LIMIT", "UNAVAILABLE", "INUSE", "IN-USE", "SYS/TEMP",
            "SYS/PERM", "OVERQUOTA", "AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED", "AUTH");

    /**
     * The response code a server gave with its refusal, from the texts of {@code e} and its causes: the first of
     * {@link #CODES} written {@code [CODE]} or {@code [CODE text]}; null if none.
     */
    static String responseCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
            int at = text.indexOf('[');
            while (at >= 0) {
                for (String code : CODES) {
                    int end = at + 1 + code.length();
                    if (text.startsWith(code, at + 1) && end < text.length()
                            && (text.charAt(end) == ']' || text.charAt(end) == ' ')) {
                        return code;
                    }
                }
                at = text.indexOf('[', at + 1);
            }
        }
        return null;
    }

    /**
     * A refusal whose response code says what it means: not now (a connection limit, a server that is busy or
     * down), over quota, or the credentials. {@code [LIMIT]} means "too many connections" only when logging in or
     * connecting; on other commands it is an implementation limit (too many keywords), left to the default.
     */
    private static MailAccessException fromResponseCode(Exception e, String where) {
        String code = responseCode(e);
        if (code == null) {
            return null;
        }
        boolean connecting = e instanceof AuthenticationFailedException || e instanceof StoreClosedException
                || hasCause(e, org.eclipse.angus.mail.iap.ConnectionException.class);
        String text = serverText(e);
        return switch (code) {
            case "LIMIT" -> connecting ? busy(code, where, text, e) : null;
            case "UNAVAILABLE", "INUSE", "IN-USE", "SYS/TEMP" -> busy(code, where, text, e);
            case "SYS/PERM" -> new ConnectionException("the server failed permanently " + where + ": " + text, false,
                    e);
            case "OVERQUOTA" -> new QuotaExceededException("the mailbox is over its quota " + where + ": " + text, e);
            default -> new AuthenticationException("authentication failed " + where + ": " + text, e);
        };
    }

    private static ServerBusyException busy(String code, String where, String text, Exception e) {
        return new ServerBusyException(code, "the server refused for now [" + code + "] " + where + ": " + text
                + " (not a credentials problem; try again later, with fewer connections at once)", e);
    }

    private static MailAccessException fromIo(Throwable io, String where, Exception original) {
        if (io instanceof LimitExceededIOException limit) {
            return new ServerLimitException(limit.limit(), "giving up on the server " + where + ": "
                    + io.getMessage(), original);
        }
        if (io instanceof ProtocolViolationIOException) {
            return new ProtocolException("giving up on the server " + where + ": " + io.getMessage(), original);
        }
        if (io instanceof ProxyTunnel.ProxyRefusedException refused) {
            return new ConnectionException("no tunnel " + where + ": " + io.getMessage(), refused.retryable(),
                    original);
        }
        if (io instanceof SocketTimeoutException || io instanceof InterruptedIOException) {
            return new MailTimeoutException("timed out " + where + ": " + io.getMessage(), original);
        }
        if (io instanceof SSLHandshakeException || io instanceof SSLPeerUnverifiedException
                || hasCause(io, CertificateException.class)) {
            String msg = String.valueOf(rootMessage(io));
            if (msg.contains("No subject alternative") || msg.contains("identity") || msg.contains("hostname")
                    || msg.contains("No name matching")) {
                return new ConnectionException("TLS: the server's certificate does not match the host name "
                        + where + " (" + msg + ")", false, original);
            }
            return new ConnectionException("TLS: the server's certificate is not trusted " + where
                    + "; trust its CA with MailboxConfig.Builder.trust(...) or --trust FILE.pem (" + msg + ")",
                    false, original);
        }
        if (io instanceof SSLException) {
            return new ConnectionException("TLS failed " + where + ": " + rootMessage(io), false, original);
        }
        if (io instanceof UnknownHostException) {
            return new ConnectionException("unknown host " + where + ": " + io.getMessage(), false, original);
        }
        if (io instanceof ConnectException || io instanceof NoRouteToHostException) {
            return new ConnectionException("cannot connect " + where + ": " + io.getMessage(), true, original);
        }
        if (io instanceof EOFException || io instanceof SocketException) {
            return new ConnectionException("connection lost " + where + ": " + io.getMessage(), true, original);
        }
        String msg = String.valueOf(io.getMessage());
        if (msg.contains("verify identity") || msg.contains("Can't verify")) {
            return new ConnectionException("TLS: the server's certificate does not match the host name " + where
                    + " (" + msg + ")", false, original);
        }
        return new ConnectionException("I/O failure " + where + ": " + msg, true, original);
    }

    private static Throwable ioCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return t;
            }
            if (t instanceof MessagingException me && me.getNextException() != null && me.getNextException() != t) {
                Throwable next = me.getNextException();
                if (next instanceof IOException) {
                    return next;
                }
            }
        }
        if (e instanceof MessagingException me && me.getNextException() instanceof IOException io) {
            return io;
        }
        return null;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    private static String serverText(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.strip();
    }
}
