package dev.mailaccess.kafka;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MailSourceConfigTest {

    private static Map<String, String> base() {
        Map<String, String> m = new HashMap<>();
        m.put("topic", "mail");
        m.put("mail.accounts", "imaps://alice@mail.example.org, pop3s://bob@pop.example.org:995");
        m.put("mail.password.alice@mail.example.org", "alice-secret");
        m.put("mail.password", "default-secret");
        return m;
    }

    private static List<String> errors(Map<String, String> props) {
        Config c = new MailSourceConnector().validate(props);
        return c.configValues().stream().map(ConfigValue::errorMessages).flatMap(List::stream).toList();
    }

    @Test
    void aValidConfigurationPassesAndNamesNoSecret() {
        assertThat(errors(base())).isEmpty();
        MailSourceConfig c = new MailSourceConfig(base());
        List<Account> accounts = c.accounts(c.accountUrls());
        assertThat(accounts).extracting(Account::id)
                .containsExactly("imap://alice@mail.example.org", "pop3://bob@pop.example.org");
        assertThat(accounts.get(1).host()).isEqualTo("pop.example.org");
        assertThat(c.toString()).doesNotContain("secret").contains("2 account(s)").contains("1 own password(s)");
        assertThat(accounts.toString()).doesNotContain("secret");
        assertThat(accounts.get(0).config().toString()).doesNotContain("secret");
        assertThat(c.mode()).isEqualTo(MailSourceConfig.Mode.COPY);
    }

    @Test
    void mistakesAreReportedByKey() {
        Map<String, String> m = base();
        m.put("mail.accounts", "https://alice@example.org");
        assertThat(errors(m)).anyMatch(e -> e.contains("unknown scheme 'https'"));
        m = base();
        m.put("mail.accounts", "imaps://alice:pw@example.org");
        assertThat(errors(m)).anyMatch(e -> e.contains("a password in the URI is not accepted"))
                .noneMatch(e -> e.contains("pw@"));
        m = base();
        m.remove("mail.password");
        assertThat(errors(m)).anyMatch(e -> e.contains("no password: set mail.password.bob@pop.example.org"));
        m = base();
        m.put("mail.mode", "shred");
        assertThat(errors(m)).anyMatch(e -> e.contains("mail.mode"));
        m = base();
        m.put("mail.max.connections.per.host", "0");
        assertThat(errors(m)).isNotEmpty();
        m = base();
        m.put("mail.mode", "move");
        m.put("errors.tolerance", "all");
        assertThat(errors(m)).anyMatch(e -> e.contains("errors.tolerance=none"));
        m = base();
        m.remove("topic");
        assertThat(errors(m)).anyMatch(e -> e.contains("topic"));
    }

    @Test
    void theReadmeTableIsTheConfigDefs() throws Exception {
        String table = MailSourceConfig.markdownTable();
        assertThat(table).contains("| `mail.max.connections.per.host` | int | `4` |");
        Path readme = Path.of("..", "README.md");
        if (Files.exists(readme)) {
            assertThat(Files.readString(readme)).as("README's configuration table; regenerate it with "
                    + "MailSourceConfig.markdownTable()").contains(table);
        }
    }
}
