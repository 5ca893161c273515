package dev.mailaccess.kafka;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns accounts to tasks by server host: all accounts of one host go to the same task, so that task alone opens
 * connections to that host and {@code mail.max.connections.per.host} holds for the whole connector. Hosts are placed
 * largest first on the task with the fewest accounts so far (a greedy balance); the result is the same for the same
 * account list, so a restart keeps each account on the same task.
 */
final class TaskSplit {
    private TaskSplit() {
    }

    /**
     * @param urls     the accounts' URLs, in configuration order
     * @param maxTasks the most tasks the worker allows
     * @return per task, its account URLs (no empty task: at most as many tasks as hosts)
     */
    static List<List<String>> split(List<String> urls, int maxTasks) {
        Map<String, List<String>> byHost = new LinkedHashMap<>();
        for (String url : urls) {
            byHost.computeIfAbsent(Account.hostOf(url), h -> new ArrayList<>()).add(url.strip());
        }
        List<List<String>> hosts = new ArrayList<>(byHost.values());
        // stable: equal sizes keep configuration order
        hosts.sort(Comparator.comparingInt((List<String> h) -> h.size()).reversed());
        int tasks = Math.max(1, Math.min(maxTasks, hosts.size()));
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            out.add(new ArrayList<>());
        }
        for (List<String> host : hosts) {
            List<String> least = out.get(0);
            for (List<String> t : out) {
                if (t.size() < least.size()) {
                    least = t;
                }
            }
            least.addAll(host);
        }
        return out;
    }
}
