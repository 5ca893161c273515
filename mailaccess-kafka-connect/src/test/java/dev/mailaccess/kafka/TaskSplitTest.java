package dev.mailaccess.kafka;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TaskSplitTest {

    @Test
    void oneHostsAccountsShareATaskAndTasksAreBalanced() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            urls.add("imaps://u" + i + "@big.example");
        }
        for (String h : List.of("a.example", "b.example", "c.example")) {
            for (int i = 0; i < 10; i++) {
                urls.add("pop3s://u" + i + "@" + h);
            }
        }
        List<List<String>> tasks = TaskSplit.split(urls, 2);
        assertThat(tasks).hasSize(2);
        assertThat(tasks.stream().mapToInt(List::size).sum()).isEqualTo(60);
        for (String host : List.of("big.example", "a.example", "b.example", "c.example")) {
            assertThat(tasks.stream().filter(t -> t.stream().anyMatch(u -> u.endsWith("@" + host))).count())
                    .as(host + " is in one task only").isEqualTo(1);
        }
        assertThat(tasks.get(0)).hasSize(30);
        assertThat(tasks.get(1)).hasSize(30);
    }

    @Test
    void neverMoreTasksThanHostsAndTheSameSplitEachTime() {
        List<String> urls = List.of("imap://a@h1", "imap://b@H1", "imap://c@h2");
        List<List<String>> tasks = TaskSplit.split(urls, 10);
        assertThat(tasks).hasSize(2);
        assertThat(TaskSplit.split(urls, 10)).isEqualTo(tasks);
        Set<String> all = new HashSet<>();
        tasks.forEach(all::addAll);
        assertThat(all).containsExactlyInAnyOrderElementsOf(urls);
        assertThat(TaskSplit.split(urls, 1)).hasSize(1);
    }
}
