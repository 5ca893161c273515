package dev.mailaccess.cli;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.ThreadAlgorithm;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.ReplicaMessage;
import dev.mailaccess.replica.ReplicaThread;
import dev.mailaccess.search.QueryParser;
import dev.mailaccess.search.QuerySyntaxException;
import dev.mailaccess.search.SearchQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code replica DIR list|show|flag|delete|expunge|move ...}: reads and changes a replica made by {@code sync}, with no
 * connection. Changes are journalled and go up at the next {@code sync}.
 */
@Command(name = "replica", mixinStandardHelpOptions = true, modelTransformer = DashArguments.Parser.class,
        description = "Read and change a replica offline (no connection); changes go up at the next sync.",
        footer = {"",
                "  replica DIR list [FOLDER]            folders, or the messages of FOLDER (id, flags, subject)",
                "  replica DIR show FOLDER ID           print a message",
                "  replica DIR flag FOLDER ID +F|-F...  set/clear flags (seen, answered, flagged, deleted, draft) "
                        + "or keywords",
                "  replica DIR delete FOLDER ID...      mark \\Deleted",
                "  replica DIR expunge FOLDER [ID...]   remove the given, or all \\Deleted, messages",
                "  replica DIR move FOLDER ID TARGET    move to another replica folder",
                "  replica DIR search FOLDER QUERY...   search offline (same query language as 'search')",
                "  replica DIR threads FOLDER [ALG]     conversations as indented trees (ALG: references, the "
                        + "default, or orderedsubject)",
                "  replica DIR local FOLDER             create a local-only folder (never synchronised)"})
public final class ReplicaCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "DIR", description = "The replica directory.")
    private Path dir;

    @Parameters(index = "1", paramLabel = "ACTION",
            description = "list, show, flag, delete, expunge, move, search, threads or local.")
    private String action;

    @Parameters(index = "2..*", paramLabel = "ARG", parameterConsumer = DashArguments.class)
    private List<String> args = new ArrayList<>();

    @Override
    public void run() {
        CliContext ctx = top.context();
        if (!Files.isDirectory(dir.resolve("state"))) {
            throw new UsageException("not a replica: " + dir + " (make one with 'mailaccess sync URL --replica "
                    + dir + "')");
        }
        try (Replica r = Replica.open(dir)) {
            switch (action.toLowerCase(Locale.ROOT)) {
                case "list" -> list(r, ctx);
                case "show" -> {
                    need(2, "show FOLDER ID");
                    try (InputStream in = r.openMessage(folder(r, 0), args.get(1))) {
                        ShowCommand.copy(in, ctx.out());
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot read the message: " + e.getMessage(), e);
                    }
                }
                case "flag" -> {
                    need(3, "flag FOLDER ID +FLAG|-FLAG...");
                    String folder = folder(r, 0);
                    for (String f : args.subList(2, args.size())) {
                        if (f.length() < 2 || (f.charAt(0) != '+' && f.charAt(0) != '-')) {
                            throw new UsageException("a flag change is +NAME or -NAME: " + f);
                        }
                        Flags flags = parseFlag(f.substring(1));
                        if (f.charAt(0) == '+') {
                            r.addFlags(folder, List.of(args.get(1)), flags);
                        } else {
                            r.removeFlags(folder, List.of(args.get(1)), flags);
                        }
                    }
                    ctx.out().println(String.join(" ", FlagNames.of(r.message(folder, args.get(1)).flags())));
                }
                case "delete" -> {
                    need(2, "delete FOLDER ID...");
                    r.delete(folder(r, 0), args.subList(1, args.size()));
                    ctx.out().println((args.size() - 1) + " marked deleted");
                }
                case "expunge" -> {
                    need(1, "expunge FOLDER [ID...]");
                    if (args.size() == 1) {
                        ctx.out().println(r.expungeDeleted(folder(r, 0)) + " expunged");
                    } else {
                        r.expunge(folder(r, 0), args.subList(1, args.size()));
                        ctx.out().println((args.size() - 1) + " expunged");
                    }
                }
                case "move" -> {
                    need(3, "move FOLDER ID TARGET");
                    ctx.out().println(r.move(folder(r, 0), args.get(1), folder(r, 2)));
                }
                case "search" -> {
                    need(2, "search FOLDER QUERY...");
                    String folder = folder(r, 0);
                    SearchQuery q;
                    try {
                        q = QueryParser.parse(String.join(" ", args.subList(1, args.size())));
                    } catch (QuerySyntaxException e) {
                        throw new UsageException(e.getMessage());
                    }
                    for (String id : r.search(folder, q)) {
                        ReplicaMessage m = r.message(folder, id);
                        ctx.out().println(id + "\t" + String.join(",", FlagNames.of(m.flags())) + "\t" + m.subject());
                    }
                }
                case "threads" -> {
                    need(1, "threads FOLDER [references|orderedsubject]");
                    String folder = folder(r, 0);
                    ThreadAlgorithm algorithm = args.size() > 1 ? algorithm(args.get(1))
                            : ThreadAlgorithm.REFERENCES;
                    for (ReplicaThread t : r.threads(folder, algorithm, null)) {
                        printThread(r, folder, t, 0, ctx);
                    }
                }
                case "local" -> {
                    need(1, "local FOLDER");
                    r.createLocalFolder(args.get(0));
                }
                default -> throw new UsageException("unknown replica action '" + action
                        + "' (list, show, flag, delete, expunge, move, search, threads or local)");
            }
            ctx.out().flush();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private void list(Replica r, CliContext ctx) {
        if (args.isEmpty()) {
            for (String f : r.folders()) {
                ctx.out().println(f + "\t" + r.messages(f).size() + (r.isLocalOnly(f) ? "\tlocal-only" : ""));
            }
            return;
        }
        for (ReplicaMessage m : r.messages(folder(r, 0))) {
            ctx.out().println(m.id() + "\t" + (m.serverRef() == null ? "-" : m.serverRef()) + "\t"
                    + String.join(",", FlagNames.of(m.flags())) + "\t" + (m.pending() ? "pending" : "synced")
                    + "\t" + (m.downloaded() ? "" : "[not downloaded] ") + m.subject());
        }
    }

    /** One line per message, depth first: the id and subject, indented two spaces per level of reply. */
    private static void printThread(Replica r, String folder, ReplicaThread t, int depth, CliContext ctx) {
        String indent = "  ".repeat(depth);
        if (t.id() == null) {
            ctx.out().println(indent + "-\t(not in this folder)");
        } else {
            ctx.out().println(indent + t.id() + "\t" + r.message(folder, t.id()).subject());
        }
        for (ReplicaThread c : t.children()) {
            printThread(r, folder, c, depth + 1, ctx);
        }
    }

    private static ThreadAlgorithm algorithm(String name) {
        for (ThreadAlgorithm a : ThreadAlgorithm.values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new UsageException("unknown thread algorithm '" + name + "' (references or orderedsubject)");
    }

    private String folder(Replica r, int index) {
        String f = args.get(index);
        if (!r.folders().contains(f)) {
            throw new UsageException("no folder '" + f + "' in the replica (folders: " + r.folders() + ")");
        }
        return f;
    }

    private void need(int n, String usage) {
        if (args.size() < n) {
            throw new UsageException("usage: replica DIR " + usage);
        }
    }

    static Flags parseFlag(String name) {
        for (Flag f : Flag.values()) {
            if (f.name().equalsIgnoreCase(name) || f.imapName().equalsIgnoreCase(name)) {
                return Flags.of(f);
            }
        }
        try {
            return Flags.keywords(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
