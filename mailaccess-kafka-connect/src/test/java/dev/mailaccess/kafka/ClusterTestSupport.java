package dev.mailaccess.kafka;

import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.SharedServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** One Connect cluster per test class (a start costs 15-25 s here), against the testkit's shared Dovecot. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterTestSupport {
    @TempDir
    static Path dir;
    DovecotFixture dovecot;
    MailConnectCluster cluster;

    @BeforeAll
    void startCluster() {
        dovecot = SharedServers.dovecot();
        cluster = new MailConnectCluster(dir);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
