package dev.mailaccess.imap;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.ReplicaContract;
import dev.mailaccess.testkit.SharedServers;

/** Disconnected mode over imap against GreenMail. */
class GreenMailImapReplicaTest extends ReplicaContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail();
    }

    @Override
    protected String protocol() {
        return "imap";
    }

    @Override
    protected void recreateFolder(String folder) {
        // GreenMail drops the connection on an IMAP DELETE of a folder with messages: recreate it directly
        GreenMail gm = SharedServers.greenMail().greenMail();
        GreenMailUser u = gm.getManagers().getUserManager().getUser(user);
        try {
            SharedServers.greenMail().expungeAll(user, folder);
            gm.getManagers().getImapHostManager().deleteMailbox(u, folder);
        } catch (Exception e) {
            // GreenMail notifies sessions that saw the folder and may trip over a closed one; the folder is gone
        }
        try {
            if (gm.getManagers().getImapHostManager().getFolder(u, folder) != null) {
                org.junit.jupiter.api.Assumptions.abort("GreenMail refuses to delete folder " + folder
                        + " once sessions have selected it; the UIDVALIDITY change is tested on Dovecot");
            }
            gm.getManagers().getImapHostManager().createMailbox(u, folder);
        } catch (com.icegreen.greenmail.store.FolderException | com.icegreen.greenmail.imap.AuthorizationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GreenMail needs about 13 s per 50-step sequence (full scans, slow sessions): 5 keep the class near a minute. */
    @Override
    protected int defaultSequences() {
        return 5;
    }
}
