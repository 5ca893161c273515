package dev.mailaccess.bench;

/**
 * What one run of one tool measured.
 *
 * @param seconds  wall time
 * @param commands command lines the client sent (counted by the proxy), -1 when not counted
 * @param items    what the run produced (messages listed, matched, stored), to check the tools did the same work
 */
public record Sample(double seconds, long commands, long items) {
}
