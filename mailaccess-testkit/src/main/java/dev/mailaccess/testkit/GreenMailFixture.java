package dev.mailaccess.testkit;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailaccess.Flags;
import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Embedded GreenMail with IMAP and POP3 on free loopback ports. */
public final class GreenMailFixture implements MailServerFixture {
    private static final AtomicInteger USERS = new AtomicInteger();
    private final GreenMail greenMail;
    private final Map<String, GreenMailUser> users = new ConcurrentHashMap<>();
    private final Session parseSession = Session.getInstance(new Properties());

    public GreenMailFixture() {
        ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        ServerSetup pop3 = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3);
        greenMail = new GreenMail(new ServerSetup[] {imap, pop3});
        greenMail.start();
    }

    /** The embedded server, for tests that need GreenMail's own API. */
    public GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public String name() {
        return "greenmail";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port(String protocol) {
        return switch (protocol) {
            case "imap" -> greenMail.getImap().getPort();
            case "pop3" -> greenMail.getPop3().getPort();
            default -> throw new IllegalArgumentException("GreenMail fixture has no " + protocol);
        };
    }

    @Override
    public String newUser() {
        String login = "user" + USERS.incrementAndGet();
        users.put(login, greenMail.setUser(login + "@example.test", login, "pw-" + login));
        return login;
    }

    @Override
    public String password(String user) {
        return "pw-" + user;
    }

    private GreenMailUser user(String login) {
        GreenMailUser u = users.get(login);
        if (u == null) {
            throw new IllegalArgumentException("unknown user " + login);
        }
        return u;
    }

    private MailFolder folder(String login, String folder) {
        ImapHostManager hm = greenMail.getManagers().getImapHostManager();
        MailFolder f = hm.getFolder(user(login), folder);
        if (f == null) {
            throw new IllegalArgumentException("no folder " + folder + " for " + login);
        }
        return f;
    }

    @Override
    public void createFolder(String login, String folder) {
        try {
            greenMail.getManagers().getImapHostManager().createMailbox(user(login), folder);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create folder " + folder, e);
        }
    }

    @Override
    public void deliver(String login, String folder, byte[] rfc822, Flags flags) {
        try {
            MimeMessage m = new MimeMessage(parseSession, new ByteArrayInputStream(rfc822));
            folder(login, folder).appendMessage(m, MimeConversion.jakartaFlags(flags), new Date());
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot deliver", e);
        }
    }

    @Override
    public List<byte[]> messages(String login, String folder) {
        List<byte[]> out = new ArrayList<>();
        for (StoredMessage m : folder(login, folder).getMessages()) {
            try {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                m.getMimeMessage().writeTo(bos);
                out.add(bos.toByteArray());
            } catch (IOException | MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Removes every message of a folder, as another client's expunge would. */
    public void expungeAll(String login, String folder) {
        try {
            folder(login, folder).deleteAllMessages();
        } catch (RuntimeException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
