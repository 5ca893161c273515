package dev.mailaccess.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Stack;

/**
 * Lets a command's positional arguments start with {@code -}: a query such as {@code -flag:seen subject:budget}, a
 * flag change such as {@code -seen}. Picocli would otherwise take such a word for an unknown option, or, where it
 * starts with {@code -h} or {@code -V}, for the help or version switch followed by more letters. The command's own
 * options ({@code --json}, {@code --json=true}, {@code -h}) stay options wherever they stand, and {@code --} still
 * ends the options.
 *
 * <p>Use it on the positional ({@code parameterConsumer = DashArguments.class}) and on the command
 * ({@code modelTransformer = DashArguments.Parser.class}); each needs the other.
 */
public final class DashArguments implements CommandLine.IParameterConsumer {
    /** The parser settings without which picocli rejects the word before {@link DashArguments} sees it. */
    public static final class Parser implements CommandLine.IModelTransformer {
        /**
         * Treats unknown option-like words as positional parameters, and stops reading {@code -has:attachment} as
         * {@code -h} followed by {@code as:attachment} (the commands have no short options to cluster).
         */
        @Override
        public CommandSpec transform(CommandSpec spec) {
            spec.parser().unmatchedOptionsArePositionalParams(true).posixClusteredShortOptionsAllowed(false);
            return spec;
        }
    }

    /**
     * Takes the next word as the value, whatever it starts with (picocli already decided it is no option); a
     * multi-value positional then takes further words up to the next option of the command or {@code --}.
     */
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
        if (!argSpec.isMultiValue()) {
            argSpec.setValue(args.pop());
            return;
        }
        List<String> values = argSpec.getValue() == null ? new ArrayList<>() : argSpec.getValue();
        values.add(args.pop());
        while (!args.isEmpty() && !isOption(args.peek(), commandSpec)) {
            values.add(args.pop());
        }
        argSpec.setValue(values);
    }

    private static boolean isOption(String word, CommandSpec commandSpec) {
        if (word.equals(commandSpec.parser().endOfOptionsDelimiter())) {
            return true;
        }
        int separator = word.indexOf(commandSpec.parser().separator());
        String name = separator > 0 ? word.substring(0, separator) : word;
        return commandSpec.optionsMap().containsKey(name);
    }
}
