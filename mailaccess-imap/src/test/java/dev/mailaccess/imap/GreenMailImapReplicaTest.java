package dev.mailaccess.imap;

import com.icegreen.greenmail.imap.AuthorizationException;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import dev.mailaccess.testkit.ImapReplicaContract;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;

/** Disconnected mode over imap against GreenMail. */
class GreenMailImapReplicaTest extends ImapReplicaContract {
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
        // An IMAP DELETE (or ImapHostManager.deleteMailbox) first tells every session that ever selected the folder,
        // and GreenMail keeps the listeners of sessions already closed and fails on them, leaving the folder in
        // place. So: empty it, take it out of GreenMail's store directly, and create it again; the new folder's
        // UIDVALIDITY is its creation time in seconds, hence the wait (under a second) for the clock to pass the old one.
        GreenMail gm = SharedServers.greenMail().greenMail();
        ImapHostManager hm = gm.getManagers().getImapHostManager();
        GreenMailUser u = gm.getManagers().getUserManager().getUser(user);
        try {
            MailFolder old = hm.getFolder(u, folder);
            SharedServers.greenMail().expungeAll(user, folder);
            hm.getStore().deleteMailbox(old);
            while (System.currentTimeMillis() / 1000 <= old.getUidValidity()) {
                Thread.sleep(10);
            }
            hm.createMailbox(u, folder);
        } catch (FolderException | AuthorizationException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
