package dev.mailaccess.testkit;

/**
 * One embedded GreenMail and one Dovecot per test JVM, started on first use and stopped when the JVM exits. Suites
 * share them and isolate themselves with {@link MailServerFixture#newUser()}, so a module's test classes pay for
 * each server's start once.
 */
public final class SharedServers {
    private static GreenMailFixture greenMail;
    private static DovecotFixture dovecot;
    private static boolean hookInstalled;

    private SharedServers() {
    }

    /** The shared GreenMail (IMAP and POP3 on loopback). */
    public static synchronized GreenMailFixture greenMail() {
        if (greenMail == null) {
            greenMail = new GreenMailFixture();
            installHook();
        }
        return greenMail;
    }

    /**
     * The shared Dovecot with default options. Skips the calling test when Dovecot is not installed, or fails it when
     * {@code CI=true} (see {@link DovecotFixture#assumeAvailable()}).
     */
    public static synchronized DovecotFixture dovecot() {
        DovecotFixture.assumeAvailable();
        if (dovecot == null) {
            dovecot = DovecotFixture.start();
            installHook();
        }
        return dovecot;
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(SharedServers::stopAll, "shared-mail-servers-stop"));
    }

    private static synchronized void stopAll() {
        if (greenMail != null) {
            greenMail.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }
}
